//! Recognising a registered name as a lookalike of a mark, by meaning rather than by list:
//!
//! 1. **Skeleton**: the name's UTS #39 skeleton equals the mark's ([L2]) — `nοrthwind` (Greek
//!    omicron), `n0rthwind`, `rnicrosoft` for `microsoft`.
//! 2. **Containment**: the name contains the mark or its skeleton (`northwind-login`,
//!    `secure-n0rthwind`). All marks and skeletons are found in one pass by an Aho–Corasick
//!    automaton over the label's bytes.
//! 3. **Edit distance**: the restricted Damerau–Levenshtein distance ([L4]; insertions,
//!    deletions, substitutions and swaps of neighbours, each counted once) is at most 1 for
//!    marks of 4–7 characters and at most 2 for 8 or more; marks of 3 characters match only
//!    by skeleton or containment. Computed on the A-label's characters for ASCII names and on
//!    the skeletons for IDN names.
//!
//! Work is done on the second-level label (the name minus its ICANN public suffix). Cheap
//! filters first, as the zone scan calls this for every name of a zone: the automaton; a
//! length window outside which no distance can be small enough; a bitmask of the characters
//! present (each character of the mark missing from the label, and each character of the
//! label missing from the mark, costs at least one edit); the skeleton only for IDN labels or
//! ASCII labels holding a confusable character (`0`, `1`, `m`).
//!
//! **Score** (0–100, higher is more dangerous), the highest that applies:
//!
//! | why | score |
//! |---|---|
//! | same skeleton, IDN (a homograph a reader cannot tell apart) | 100 |
//! | same skeleton, ASCII (`n0rthwind`, `rnicrosoft`) | 95 |
//! | the mark itself (under another top-level domain) | 90 |
//! | the mark with a common word (`northwind-login`) | 85 |
//! | distance 1 | 80 |
//! | the mark within other text | 75 |
//! | distance 2 | 60 |

use std::collections::HashSet;

use aho_corasick::{AhoCorasick, MatchKind};

use super::skeleton::{ascii_skeleton, skeleton};
use super::{Family, Mark, candidates::adjacent_keys, words};

/// Why a label matched a mark.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reason {
    /// The family that explains the name, when one does ([L1]'s names).
    pub family: Option<Family>,
    /// The label's skeleton equals the mark's.
    pub skeleton_equal: bool,
    /// The mark (or its skeleton) found inside the label.
    pub contained: Option<String>,
    /// The edit distance to the mark, when that is what matched.
    pub distance: Option<u8>,
}

/// A label that imitates a mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match<'m, K> {
    pub mark: &'m Mark,
    /// The owners the caller gave with the mark (several when matters share a mark).
    pub owners: &'m [K],
    pub reason: Reason,
    pub score: u8,
}

struct Entry<K> {
    mark: Mark,
    owners: Vec<K>,
    /// Largest edit distance that still matches (0: none).
    max_distance: u8,
    /// Characters present in the mark's A-label (see [`char_mask`]).
    mask: u64,
    skeleton_chars: Vec<char>,
}

/// Every mark of a firm, ready to test names against.
pub struct Matcher<K> {
    entries: Vec<Entry<K>>,
    automaton: AhoCorasick,
    /// Pattern index → entry (each mark gives two patterns: its A-label and its skeleton).
    patterns: Vec<usize>,
    /// `window[n]`: some mark can be within its distance of an ASCII label of `n` bytes.
    window: [bool; 64],
    words: HashSet<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum MatcherError {
    #[error("there is no mark to look for; give at least one")]
    NoMarks,
    #[error("the marks could not be prepared for the search: {0}")]
    Automaton(#[from] aho_corasick::BuildError),
}

/// Bit per character class: `a`–`z`, `0`–`9`, `-`, anything else.
fn char_mask(bytes: &[u8]) -> u64 {
    let mut mask = 0u64;
    for &b in bytes {
        mask |= 1
            << match b {
                b'a'..=b'z' => b - b'a',
                b'0'..=b'9' => 26 + b - b'0',
                b'-' => 36,
                _ => 37,
            };
    }
    mask
}

fn max_distance(chars: usize) -> u8 {
    match chars {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl<K> Matcher<K> {
    /// The marks with their owners' keys (a matter id, a client id: opaque here). The same
    /// mark given twice is searched once and reports both owners.
    pub fn new(marks: impl IntoIterator<Item = (Mark, K)>) -> Result<Self, MatcherError> {
        let mut entries: Vec<Entry<K>> = Vec::new();
        for (mark, owner) in marks {
            if let Some(e) = entries.iter_mut().find(|e| e.mark == mark) {
                e.owners.push(owner);
                continue;
            }
            entries.push(Entry {
                max_distance: max_distance(mark.unicode().chars().count()),
                mask: char_mask(mark.ascii().as_bytes()),
                skeleton_chars: mark.skeleton().chars().collect(),
                mark,
                owners: vec![owner],
            });
        }
        if entries.is_empty() {
            return Err(MatcherError::NoMarks);
        }
        let mut texts = Vec::new();
        let mut patterns = Vec::new();
        let mut window = [false; 64];
        for (i, e) in entries.iter().enumerate() {
            texts.push(e.mark.ascii().to_owned());
            patterns.push(i);
            texts.push(e.mark.skeleton().to_owned());
            patterns.push(i);
            let len = e.mark.ascii().len();
            let k = usize::from(e.max_distance);
            for n in len.saturating_sub(k)..=len + k {
                if let Some(w) = window.get_mut(n) {
                    *w = true;
                }
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&texts)?;
        Ok(Self {
            entries,
            automaton,
            patterns,
            window,
            words: words().collect(),
        })
    }

    pub fn marks(&self) -> impl Iterator<Item = &Mark> {
        self.entries.iter().map(|e| &e.mark)
    }

    /// Tests a full name in A-label form (`xn--nrthwind-9mf.com`, a trailing dot allowed):
    /// its label under the ICANN public suffix.
    pub fn match_name(&self, ascii_name: &str) -> Option<Match<'_, K>> {
        crate::model::domain_name::registrable_label(ascii_name).and_then(|l| self.match_label(l))
    }

    /// Tests one second-level label, lower-case, in A-label form (an `xn--` label is decoded
    /// to Unicode for its skeleton) or already in Unicode.
    pub fn match_label(&self, label: &str) -> Option<Match<'_, K>> {
        let mut best: Option<(usize, Reason, u8)> = None;
        let mut offer = |entry: usize, reason: Reason| {
            let score = score(&reason, !label.is_ascii() || label.starts_with("xn--"));
            let better = match &best {
                None => true,
                Some((b, _, s)) => {
                    score > *s
                        || (score == *s
                            && self.entries[entry].mark.ascii().len()
                                > self.entries[*b].mark.ascii().len())
                }
            };
            if better {
                best = Some((entry, reason, score));
            }
        };
        if label.is_ascii() && !label.starts_with("xn--") {
            let bytes = label.as_bytes();
            self.contained(label, label, false, &mut offer);
            if let Some(skel) = ascii_skeleton(bytes) {
                self.contained(&skel, label, true, &mut offer);
            }
            if self.window.get(bytes.len()).copied().unwrap_or(false) {
                let mask = char_mask(bytes);
                for (i, e) in self.entries.iter().enumerate() {
                    let k = e.max_distance;
                    let mark = e.mark.ascii().as_bytes();
                    if k == 0
                        || !e.mark.ascii().is_ascii()
                        || mark.len().abs_diff(bytes.len()) > usize::from(k)
                        || (e.mask & !mask).count_ones() > u32::from(k)
                        || (mask & !e.mask).count_ones() > u32::from(k)
                    {
                        continue;
                    }
                    if let Some(d) = bounded_distance(mark, bytes, k)
                        && d > 0
                    {
                        offer(
                            i,
                            Reason {
                                family: classify(
                                    &e.mark.ascii().chars().collect::<Vec<_>>(),
                                    &label.chars().collect::<Vec<_>>(),
                                ),
                                skeleton_equal: false,
                                contained: None,
                                distance: Some(d),
                            },
                        );
                    }
                }
            }
        } else {
            let unicode = match label.strip_prefix("xn--") {
                Some(encoded) if label.is_ascii() => idna::punycode::decode_to_string(encoded)?,
                _ => label.to_owned(),
            };
            let skel = skeleton(&unicode);
            self.contained(&skel, label, true, &mut offer);
            let skel_chars: Vec<char> = skel.chars().collect();
            for (i, e) in self.entries.iter().enumerate() {
                let k = e.max_distance;
                if k == 0 || e.skeleton_chars.len().abs_diff(skel_chars.len()) > usize::from(k) {
                    continue;
                }
                if let Some(d) = bounded_distance(&e.skeleton_chars, &skel_chars, k)
                    && d > 0
                {
                    offer(
                        i,
                        Reason {
                            family: Some(Family::Homoglyph),
                            skeleton_equal: false,
                            contained: None,
                            distance: Some(d),
                        },
                    );
                }
            }
        }
        best.map(|(i, reason, score)| Match {
            mark: &self.entries[i].mark,
            owners: &self.entries[i].owners,
            reason,
            score,
        })
    }

    /// Offers every mark found inside `haystack` (the label, or its skeleton when `is_skeleton`).
    fn contained(
        &self,
        haystack: &str,
        label: &str,
        is_skeleton: bool,
        offer: &mut impl FnMut(usize, Reason),
    ) {
        for found in self.automaton.find_overlapping_iter(haystack) {
            let entry = self.patterns[found.pattern().as_usize()];
            let mark = &self.entries[entry].mark;
            let whole = found.start() == 0 && found.end() == haystack.len();
            if whole {
                // The mark itself (its skeleton meets itself too, `m` → `rn`).
                let exact = label == mark.ascii();
                offer(
                    entry,
                    Reason {
                        family: Some(if exact {
                            Family::TldSwap
                        } else {
                            Family::Homoglyph
                        }),
                        skeleton_equal: true,
                        contained: exact.then(|| mark.unicode().to_owned()),
                        distance: None,
                    },
                );
                continue;
            }
            let rest = format!("{}{}", &haystack[..found.start()], &haystack[found.end()..]);
            let rest = rest.trim_matches('-');
            let family = if self.words.contains(rest) {
                Some(Family::Dictionary)
            } else if found.start() == 0 && (rest == "s" || rest == "es") {
                Some(Family::Plural)
            } else if found.start() == 0 && rest.len() == 1 {
                Some(Family::Addition)
            } else if is_skeleton {
                Some(Family::Homoglyph)
            } else {
                None
            };
            offer(
                entry,
                Reason {
                    family,
                    skeleton_equal: false,
                    contained: Some(mark.unicode().to_owned()),
                    distance: None,
                },
            );
        }
    }
}

fn score(reason: &Reason, idn: bool) -> u8 {
    let mut score = 0u8;
    if reason.skeleton_equal {
        score = score.max(match (reason.family, idn) {
            (Some(Family::TldSwap), _) => 90,
            (_, true) => 100,
            (_, false) => 95,
        });
    }
    if reason.contained.is_some() && !reason.skeleton_equal {
        score = score.max(if reason.family == Some(Family::Dictionary) {
            85
        } else {
            75
        });
    }
    match reason.distance {
        Some(1) => score = score.max(80),
        Some(2) => score = score.max(60),
        _ => {}
    }
    score
}

/// The restricted Damerau–Levenshtein distance ([L4], "optimal string alignment") between `a`
/// and `b` when it is at most `k`, else `None`. Only the diagonal band of width `2k + 1` is
/// computed, and the work stops as soon as a whole row exceeds `k`.
pub fn bounded_distance<T: PartialEq>(a: &[T], b: &[T], k: u8) -> Option<u8> {
    let k = usize::from(k);
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    if n == 0 || m == 0 {
        return Some(n.max(m) as u8);
    }
    const FAR: usize = usize::MAX / 4;
    // Three rows: i-2, i-1, i (transpositions look two rows back).
    let mut prev2 = vec![FAR; m + 1];
    let mut prev: Vec<usize> = (0..=m).map(|j| if j <= k { j } else { FAR }).collect();
    let mut cur = vec![FAR; m + 1];
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        cur.iter_mut().for_each(|c| *c = FAR);
        cur[0] = if i <= k { i } else { FAR };
        let mut row_min = cur[0];
        for j in lo..=hi {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m] as u8)
}

/// The family that explains `label` as one edit of `mark` ([L1]'s definitions), if one does.
pub fn classify(mark: &[char], label: &[char]) -> Option<Family> {
    let (n, m) = (mark.len(), label.len());
    let vowel = |c: char| "aeiouy".contains(c);
    if n == m {
        let diff: Vec<usize> = (0..n).filter(|&i| mark[i] != label[i]).collect();
        match diff.as_slice() {
            [i] => {
                let (a, b) = (mark[*i], label[*i]);
                if vowel(a) && vowel(b) {
                    Some(Family::VowelSwap)
                } else if (a as u32 ^ b as u32).is_power_of_two() {
                    Some(Family::Bitsquatting)
                } else if adjacent_keys(a).contains(&b) {
                    Some(Family::Replacement)
                } else {
                    None
                }
            }
            [i, j] if *j == i + 1 && mark[*i] == label[*j] && mark[*j] == label[*i] => {
                Some(Family::Transposition)
            }
            _ => None,
        }
    } else if m == n + 1 {
        // the inserted character: first position where they differ
        let i = (0..n).find(|&i| mark[i] != label[i]).unwrap_or(n);
        if label[..i] != mark[..i] || label[i + 1..] != mark[i..] {
            return None;
        }
        let c = label[i];
        if c == '-' {
            Some(Family::Hyphenation)
        } else if (i > 0 && label[i - 1] == c) || label.get(i + 1) == Some(&c) {
            Some(Family::Repetition)
        } else if (i > 0 && adjacent_keys(label[i - 1]).contains(&c))
            || label
                .get(i + 1)
                .is_some_and(|&next| adjacent_keys(next).contains(&c))
        {
            Some(Family::Insertion)
        } else if i == n {
            Some(Family::Addition)
        } else {
            None
        }
    } else if n == m + 1 {
        let i = (0..m).find(|&i| mark[i] != label[i]).unwrap_or(m);
        (label[..i] == mark[..i] && label[i..] == mark[i + 1..]).then_some(Family::Omission)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(marks: &[&str]) -> Matcher<usize> {
        Matcher::new(
            marks
                .iter()
                .enumerate()
                .map(|(i, m)| (Mark::parse(m).unwrap(), i)),
        )
        .unwrap()
    }

    #[test]
    fn distances() {
        // Damerau 1964 ([L4]): each single error costs 1, a swap of neighbours included
        let cases = [
            ("northwind", "northwind", 2, Some(0)),
            ("northwind", "nrothwind", 2, Some(1)), // transposition
            ("northwind", "nortwind", 2, Some(1)),  // deletion
            ("northwind", "northwinds", 2, Some(1)), // insertion
            ("northwind", "northwund", 2, Some(1)), // substitution
            ("northwind", "nrothwidn", 2, Some(2)),
            ("northwind", "southwind", 2, Some(2)),
            ("northwind", "southwest", 2, None),
            ("acme", "acne", 1, Some(1)),
            ("acme", "cane", 1, None),
            // restricted: a swapped pair is not edited again (OSA), so 3 where Damerau's
            // unrestricted distance is 2
            ("ca", "abc", 2, None),
            ("ca", "abc", 3, Some(3)),
            ("", "abc", 3, Some(3)),
            ("abc", "", 2, None),
        ];
        for (a, b, k, expected) in cases {
            assert_eq!(
                bounded_distance(a.as_bytes(), b.as_bytes(), k),
                expected,
                "{a} {b}"
            );
        }
    }

    #[test]
    fn bounded_agrees_with_strsim_below_the_bound() {
        let words = [
            "northwind",
            "nortwhind",
            "north",
            "wind",
            "nrthwnd",
            "northwindd",
            "xorthwinz",
            "abcdefgh",
        ];
        for a in words {
            for b in words {
                let full = strsim::osa_distance(a, b);
                let bounded = bounded_distance(a.as_bytes(), b.as_bytes(), 2);
                assert_eq!(bounded, (full <= 2).then_some(full as u8), "{a} {b}");
            }
        }
    }

    #[test]
    fn families_of_single_edits() {
        let cases = [
            ("northwind", "nortwhind", Some(Family::Transposition)),
            ("northwind", "narthwind", Some(Family::VowelSwap)),
            ("northwind", "nkrthwind", Some(Family::Bitsquatting)),
            ("northwind", "nprthwind", Some(Family::Replacement)),
            ("northwind", "north-wind", Some(Family::Hyphenation)),
            ("northwind", "northwiind", Some(Family::Repetition)),
            ("northwind", "nortghwind", Some(Family::Insertion)),
            ("northwind", "northwind7", Some(Family::Addition)),
            ("northwind", "nrthwind", Some(Family::Omission)),
            ("northwind", "noqthwind", None),
            ("northwind", "southwind", None),
        ];
        for (mark, label, expected) in cases {
            let (m, l): (Vec<char>, Vec<char>) = (mark.chars().collect(), label.chars().collect());
            assert_eq!(classify(&m, &l), expected, "{label}");
        }
    }

    #[test]
    fn what_matches_and_why() {
        let m = matcher(&["northwind", "acme", "microsoft", "helios"]);
        // (label, mark, family, skeleton_equal, contained, distance, score)
        let greek = idna::domain_to_ascii("nοrthwind").unwrap();
        let mixed = idna::domain_to_ascii("nоrthwіnd").unwrap(); // Cyrillic о and і
        let cases: Vec<(
            &str,
            &str,
            Option<Family>,
            bool,
            Option<&str>,
            Option<u8>,
            u8,
        )> = vec![
            (
                &greek,
                "northwind",
                Some(Family::Homoglyph),
                true,
                None,
                None,
                100,
            ),
            (
                &mixed,
                "northwind",
                Some(Family::Homoglyph),
                true,
                None,
                None,
                100,
            ),
            (
                "n0rthwind",
                "northwind",
                Some(Family::Homoglyph),
                true,
                None,
                None,
                95,
            ),
            (
                "rnicrosoft",
                "microsoft",
                Some(Family::Homoglyph),
                true,
                None,
                None,
                95,
            ),
            (
                "northwind",
                "northwind",
                Some(Family::TldSwap),
                true,
                Some("northwind"),
                None,
                90,
            ),
            (
                "northwind-login",
                "northwind",
                Some(Family::Dictionary),
                false,
                Some("northwind"),
                None,
                85,
            ),
            (
                "securenorthwind",
                "northwind",
                Some(Family::Dictionary),
                false,
                Some("northwind"),
                None,
                85,
            ),
            (
                "n0rthwind-login",
                "northwind",
                Some(Family::Dictionary),
                false,
                Some("northwind"),
                None,
                85,
            ),
            (
                "nrothwind",
                "northwind",
                Some(Family::Transposition),
                false,
                None,
                Some(1),
                80,
            ),
            (
                "acne",
                "acme",
                Some(Family::Replacement),
                false,
                None,
                Some(1),
                80,
            ),
            (
                "microsoft",
                "microsoft",
                Some(Family::TldSwap),
                true,
                Some("microsoft"),
                None,
                90,
            ),
            (
                "bestnorthwindcoffee",
                "northwind",
                None,
                false,
                Some("northwind"),
                None,
                75,
            ),
            ("nrothwidn", "northwind", None, false, None, Some(2), 60),
        ];
        for (label, mark, family, skel, contained, distance, score) in cases {
            let found = m
                .match_label(label)
                .unwrap_or_else(|| panic!("{label} not found"));
            assert_eq!(found.mark.ascii(), mark, "{label}");
            assert_eq!(found.score, score, "{label}: {:?}", found.reason);
            {
                assert_eq!(
                    found.reason,
                    Reason {
                        family,
                        skeleton_equal: skel,
                        contained: contained.map(str::to_owned),
                        distance,
                    },
                    "{label}"
                );
            }
        }
        for label in [
            "southwest",
            "example",
            "acnish",
            "windnorth",
            "helium",
            "hel",
            "xn--a",
        ] {
            assert!(m.match_label(label).is_none(), "{label} should not match");
        }
        // the plural is one edit away too: the distance scores higher than the containment
        assert_eq!(m.match_label("northwinds").unwrap().score, 80);
        // marks of 3 characters: skeleton and containment only
        let short = matcher(&["ibm"]);
        assert!(short.match_label("ibn").is_none());
        assert!(short.match_label("ibm-support").is_some());
    }

    #[test]
    fn full_names_and_owners() {
        let m = Matcher::new([
            (Mark::parse("northwind").unwrap(), "M-1"),
            (Mark::parse("Northwind").unwrap(), "M-2"),
        ])
        .unwrap();
        let found = m.match_name("nrothwind.co.uk.").unwrap();
        assert_eq!(found.owners, ["M-1", "M-2"]);
        assert!(m.match_name("northwind.notarealtld").is_none());
        assert!(Matcher::<u8>::new([]).is_err());
    }

    #[test]
    fn scores_rank_the_most_dangerous_first() {
        let m = matcher(&["northwind"]);
        let greek = idna::domain_to_ascii("nοrthwind").unwrap();
        let ranked = [
            greek.as_str(),
            "n0rthwind",
            "northwind",
            "northwind-login",
            "nrothwind",
            "mynorthwindblog",
            "nrothwidn",
        ];
        let scores: Vec<u8> = ranked
            .iter()
            .map(|l| m.match_label(l).unwrap().score)
            .collect();
        let mut sorted = scores.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(scores, sorted, "{ranked:?}");
    }
}
