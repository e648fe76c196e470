//! Lookalike candidates of a mark, family by family, as dnstwist's `Fuzzer` makes them ([L1]):
//! the names a squatter would register. Deterministic order (families in [`Family::ALL`]'s
//! order, positions left to right), no duplicates (a name made by two families keeps the
//! first), never the mark itself, and only names IDNA 2008 accepts ([L3]), in A-label form.

use std::collections::HashSet;

use super::skeleton::unicode_lookalikes;
use super::{Family, Mark, words};

/// A lookalike name of a mark, with the family that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The full name in A-label form (`xn--nrthwind-9mf.com`).
    pub domain: String,
    /// The form people read (`nοrthwind.com`).
    pub unicode: String,
    pub family: Family,
}

/// Keyboard rows, digits first; each row is shifted half a key right of the one above, so the
/// neighbours of the key at column `c` are `c ± 1` on its row, `c` and `c + 1` above, `c - 1`
/// and `c` below — dnstwist's tables ([L1]) follow the same geometry. QWERTY (English), QWERTZ
/// (German, Central Europe) and AZERTY (French, Belgian).
const KEYBOARDS: [[&str; 4]; 3] = [
    ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"],
    ["1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"],
    ["1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"],
];

const VOWELS: &str = "aeiouy";

/// ASCII lookalikes ([L1]'s `glyphs_ascii` and `confusables.txt`'s ASCII prototypes, [L2]):
/// a window of the label and what can stand for it.
const ASCII_GLYPHS: [(&str, &str); 14] = [
    ("o", "0"),
    ("0", "o"),
    ("l", "1"),
    ("l", "i"),
    ("i", "1"),
    ("i", "l"),
    ("1", "l"),
    ("m", "rn"),
    ("rn", "m"),
    ("w", "vv"),
    ("vv", "w"),
    ("d", "cl"),
    ("cl", "d"),
    ("g", "q"),
];

/// The keys next to `c` on any of the three keyboards, without repeats, in keyboard order.
pub fn adjacent_keys(c: char) -> Vec<char> {
    let mut out = Vec::new();
    for rows in KEYBOARDS {
        for (r, row) in rows.iter().enumerate() {
            let Some(col) = row.chars().position(|k| k == c) else {
                continue;
            };
            let at = |r: usize, col: isize| -> Option<char> {
                if col < 0 {
                    return None;
                }
                rows.get(r)?.chars().nth(col as usize)
            };
            let col = col as isize;
            let mut near = vec![at(r, col - 1), at(r, col + 1)];
            if r > 0 {
                near.extend([at(r - 1, col), at(r - 1, col + 1)]);
            }
            near.extend([at(r + 1, col - 1), at(r + 1, col)]);
            for k in near.into_iter().flatten() {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
    }
    out
}

struct Collector<'a> {
    mark: &'a Mark,
    tld: &'a str,
    seen: HashSet<String>,
    out: Vec<Candidate>,
}

impl Collector<'_> {
    /// Keeps `label` under `tld` when IDNA accepts it and it is new.
    fn add(&mut self, family: Family, label: &str, tld: &str) {
        if label.is_empty()
            || label
                .split('.')
                .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
        {
            return;
        }
        let Ok(domain) = idna::domain_to_ascii_strict(&format!("{label}.{tld}")) else {
            return;
        };
        if domain == format!("{}.{}", self.mark.ascii(), self.tld)
            || !self.seen.insert(domain.clone())
        {
            return;
        }
        let (unicode, _) = idna::domain_to_unicode(&domain);
        self.out.push(Candidate {
            domain,
            unicode,
            family,
        });
    }
}

/// Every candidate of `mark` under `tld` (the mark's own top-level domain, without a dot),
/// plus the mark itself under each of `other_tlds` (tld-swap).
pub fn candidates(mark: &Mark, tld: &str, other_tlds: &[&str]) -> Vec<Candidate> {
    let mut c = Collector {
        mark,
        tld,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    let chars: Vec<char> = mark.unicode().chars().collect();
    let n = chars.len();
    let s = |parts: &[&[char]]| -> String { parts.iter().flat_map(|p| p.iter()).collect() };
    for family in Family::ALL {
        match family {
            Family::Addition => {
                for a in ('a'..='z').chain('0'..='9') {
                    c.add(family, &s(&[&chars, &[a]]), tld);
                }
            }
            Family::Bitsquatting => {
                for i in 0..n {
                    for bit in 0..8 {
                        let flipped = (chars[i] as u32) ^ (1 << bit);
                        let Some(f) = char::from_u32(flipped) else {
                            continue;
                        };
                        if f.is_ascii_lowercase() || f.is_ascii_digit() || f == '-' {
                            c.add(family, &s(&[&chars[..i], &[f], &chars[i + 1..]]), tld);
                        }
                    }
                }
            }
            Family::Homoglyph => {
                let text: String = chars.iter().collect();
                for (from, to) in ASCII_GLYPHS {
                    for (i, _) in text.match_indices(from) {
                        let label = format!("{}{to}{}", &text[..i], &text[i + from.len()..]);
                        c.add(family, &label, tld);
                    }
                }
                for i in 0..n {
                    for &g in unicode_lookalikes(chars[i]) {
                        c.add(family, &s(&[&chars[..i], &[g], &chars[i + 1..]]), tld);
                    }
                }
                // The whole mark in one other script when every letter has a twin there
                // (dnstwist's `cyrillic`): a single-script IDN passes registry script rules.
                for script in [0x0400..=0x04FFu32, 0x0370..=0x03FF] {
                    let whole: Option<String> = chars
                        .iter()
                        .map(|&ch| {
                            unicode_lookalikes(ch)
                                .iter()
                                .copied()
                                .find(|g| script.contains(&(*g as u32)))
                        })
                        .collect();
                    if let Some(whole) = whole {
                        c.add(family, &whole, tld);
                    }
                }
            }
            Family::Hyphenation => {
                for i in 1..n {
                    c.add(family, &s(&[&chars[..i], &['-'], &chars[i..]]), tld);
                }
            }
            Family::Insertion => {
                for i in 0..n {
                    for k in adjacent_keys(chars[i]) {
                        c.add(family, &s(&[&chars[..i], &[k], &chars[i..]]), tld);
                        c.add(family, &s(&[&chars[..=i], &[k], &chars[i + 1..]]), tld);
                    }
                }
            }
            Family::Omission => {
                for i in 0..n {
                    c.add(family, &s(&[&chars[..i], &chars[i + 1..]]), tld);
                }
            }
            Family::Repetition => {
                for i in 0..n {
                    c.add(family, &s(&[&chars[..=i], &chars[i..]]), tld);
                }
            }
            Family::Replacement => {
                for i in 0..n {
                    for k in adjacent_keys(chars[i]) {
                        c.add(family, &s(&[&chars[..i], &[k], &chars[i + 1..]]), tld);
                    }
                }
            }
            Family::Subdomain => {
                for i in 1..n {
                    if chars[i - 1] != '-' && chars[i] != '-' {
                        c.add(family, &s(&[&chars[..i], &['.'], &chars[i..]]), tld);
                    }
                }
            }
            Family::Transposition => {
                for i in 0..n.saturating_sub(1) {
                    if chars[i] != chars[i + 1] {
                        let mut t = chars.clone();
                        t.swap(i, i + 1);
                        c.add(family, &s(&[&t]), tld);
                    }
                }
            }
            Family::VowelSwap => {
                for i in 0..n {
                    if VOWELS.contains(chars[i]) {
                        for v in VOWELS.chars().filter(|&v| v != chars[i]) {
                            c.add(family, &s(&[&chars[..i], &[v], &chars[i + 1..]]), tld);
                        }
                    }
                }
            }
            Family::Plural => {
                let text: String = chars.iter().collect();
                c.add(family, &format!("{text}s"), tld);
                if ["s", "x", "z", "ch", "sh"]
                    .iter()
                    .any(|e| text.ends_with(e))
                {
                    c.add(family, &format!("{text}es"), tld);
                }
            }
            Family::Dictionary => {
                let text: String = chars.iter().collect();
                for w in words() {
                    for label in [
                        format!("{text}{w}"),
                        format!("{text}-{w}"),
                        format!("{w}{text}"),
                        format!("{w}-{text}"),
                    ] {
                        c.add(family, &label, tld);
                    }
                }
            }
            Family::TldSwap => {
                let text: String = chars.iter().collect();
                for other in other_tlds {
                    let other = other.trim_start_matches('.');
                    if other != tld {
                        c.add(family, &text, other);
                    }
                }
            }
        }
    }
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(mark: &str, family: Family) -> Vec<String> {
        let mark = Mark::parse(mark).unwrap();
        candidates(&mark, "com", &["net", "fr", "com"])
            .into_iter()
            .filter(|c| c.family == family)
            .map(|c| c.domain)
            .collect()
    }

    fn has(mark: &str, family: Family, expected: &[&str]) {
        let got = of(mark, family);
        for e in expected {
            assert!(got.iter().any(|g| g == e), "{family}: {e} not in {got:?}");
        }
    }

    #[test]
    fn keyboard_neighbours() {
        // dnstwist's QWERTY table ([L1]): 'q': '12wa', 'a': 'qwsz'; AZERTY adds its own
        let q = adjacent_keys('q');
        for k in ['1', '2', 'w', 'a'] {
            assert!(q.contains(&k), "{q:?}");
        }
        let a = adjacent_keys('a');
        for k in ['q', 'w', 's', 'z'] {
            assert!(a.contains(&k), "{a:?}");
        }
        assert!(adjacent_keys('é').is_empty());
    }

    #[test]
    fn every_family_on_cases() {
        // Each case is the family's definition in dnstwist's `Fuzzer` ([L1]) applied by hand.
        has(
            "northwind",
            Family::Addition,
            &["northwinda.com", "northwind1.com"],
        );
        // 'o' 0x6F ^ 0x04 = 'k'; 'n' 0x6E ^ 0x01 = 'o'
        has(
            "northwind",
            Family::Bitsquatting,
            &["nkrthwind.com", "oorthwind.com"],
        );
        has(
            "northwind",
            Family::Homoglyph,
            &[
                "n0rthwind.com",
                "northw1nd.com",
                "northvvind.com",
                "northwincl.com",
                // Greek omicron, Cyrillic о: IDN homographs in A-label form (RFC 5891)
                &idna::domain_to_ascii("nοrthwind.com").unwrap(),
                &idna::domain_to_ascii("nоrthwind.com").unwrap(),
            ],
        );
        has("microsoft", Family::Homoglyph, &["rnicrosoft.com"]);
        // a whole-script Cyrillic twin (dnstwist's `cyrillic`)
        has(
            "pepa",
            Family::Homoglyph,
            &[&idna::domain_to_ascii("рера.com").unwrap()],
        );
        has(
            "northwind",
            Family::Hyphenation,
            &["north-wind.com", "n-orthwind.com"],
        );
        has(
            "northwind",
            Family::Insertion,
            &["nortghwind.com", "northwindf.com"],
        );
        has(
            "northwind",
            Family::Omission,
            &["nrthwind.com", "northwin.com"],
        );
        has(
            "northwind",
            Family::Repetition,
            &["nnorthwind.com", "northwiind.com"],
        );
        has(
            "northwind",
            Family::Replacement,
            &["nprthwind.com", "northwins.com"],
        );
        has(
            "northwind",
            Family::Subdomain,
            &["north.wind.com", "n.orthwind.com"],
        );
        has(
            "northwind",
            Family::Transposition,
            &["onrthwind.com", "nrothwind.com"],
        );
        has(
            "northwind",
            Family::VowelSwap,
            &["narthwind.com", "northwund.com"],
        );
        has("northwind", Family::Plural, &["northwinds.com"]);
        has("atlas", Family::Plural, &["atlases.com"]);
        has(
            "northwind",
            Family::Dictionary,
            &[
                "northwind-login.com",
                "securenorthwind.com",
                "northwindshop.com",
            ],
        );
        assert_eq!(
            of("northwind", Family::TldSwap),
            ["northwind.net", "northwind.fr"]
        );
    }

    #[test]
    fn ordered_unique_valid_and_never_the_mark() {
        let mark = Mark::parse("northwind").unwrap();
        let all = candidates(&mark, "com", &["net"]);
        let again = candidates(&mark, "com", &["net"]);
        assert_eq!(all, again, "deterministic");
        let mut names: Vec<_> = all.iter().map(|c| c.domain.clone()).collect();
        assert!(!names.contains(&"northwind.com".to_owned()));
        for name in &names {
            // every candidate is a name IDNA 2008 accepts, in A-label form
            assert_eq!(
                idna::domain_to_ascii_strict(name).ok().as_deref(),
                Some(name.as_str()),
                "{name}"
            );
        }
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "no duplicates");
        // families come in ALL's order
        let families: Vec<_> = all.iter().map(|c| c.family).collect();
        let mut sorted = families.clone();
        sorted.sort_by_key(|f| Family::ALL.iter().position(|g| g == f));
        assert_eq!(families, sorted);
    }

    #[test]
    fn names_idna_refuses_are_left_out() {
        // a hyphen at the edge (RFC 1035 §2.3.1) and `--` in positions 3-4 (RFC 5891
        // §4.2.3.1) are not registrable
        let mark = Mark::parse("ab-cd").unwrap();
        let all = candidates(&mark, "com", &[]);
        assert!(
            !all.iter().any(|c| c.domain == "ab--cd.com"),
            "no -- at 3-4"
        );
        assert!(!all.iter().any(|c| c.domain.starts_with('-')));
        // bitsquatting only gives letters, digits and hyphens
        for c in all.iter().filter(|c| c.family == Family::Bitsquatting) {
            assert!(
                c.domain.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'-'
                    || b == b'.')
            );
        }
    }
}
