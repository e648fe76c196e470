//! Confusable skeletons (Unicode UTS #39 §4): two labels that look alike have the same
//! skeleton. `skeleton(X)` = NFD(X), each character replaced by its prototype from
//! `confusables.txt`, NFD again. DNS compares names without regard to case (RFC 4343 §3), so
//! the result is then lower-cased: `0` (prototype `O`) and `o` meet.
//!
//! The data is a documented subset of Unicode's `confusables.txt` (`data/confusables.txt`, its
//! header says which lines and where from), loaded once.

use std::collections::HashMap;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

const CONFUSABLES: &str = include_str!("../../../data/confusables.txt");

struct Table {
    /// Source character → prototype (already lower-cased).
    prototype: HashMap<char, String>,
    /// For each ASCII byte, its prototype when it differs from the byte itself (`0` → `o`,
    /// `1` → `l`, `m` → `rn`): the zone scan's fast path for ASCII labels.
    ascii: [Option<&'static str>; 128],
    /// Prototype (one ASCII letter or digit) → the non-ASCII characters that look like it, for
    /// generating homoglyph candidates.
    lookalikes: HashMap<char, Vec<char>>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| parse(CONFUSABLES));

/// Reads `source ; prototype ; type # comment` lines (hex code points); other lines are
/// comments. A line that does not read is a mistake in the vendored file: the unit tests parse
/// every line, so it cannot ship.
fn parse(text: &str) -> Table {
    let mut prototype = HashMap::new();
    let mut ascii: [Option<&'static str>; 128] = [None; 128];
    let mut lookalikes: HashMap<char, Vec<char>> = HashMap::new();
    for line in text.lines() {
        let data = line.split('#').next().unwrap_or("").trim();
        if data.is_empty() {
            continue;
        }
        let mut fields = data.split(';').map(str::trim);
        let (Some(source), Some(target)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some(source) = code_point(source) else {
            continue;
        };
        let Some(target) = target
            .split_whitespace()
            .map(code_point)
            .collect::<Option<String>>()
        else {
            continue;
        };
        let target = target.to_lowercase();
        if source.is_ascii() {
            if source.to_ascii_lowercase() == source {
                ascii[source as usize] = Some(Box::leak(target.clone().into_boxed_str()));
            }
        } else if let [one] = target.chars().collect::<Vec<_>>().as_slice()
            && one.is_ascii_alphanumeric()
        {
            lookalikes.entry(*one).or_default().push(source);
        }
        prototype.insert(source, target);
    }
    Table {
        prototype,
        ascii,
        lookalikes,
    }
}

fn code_point(hex: &str) -> Option<char> {
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

/// The UTS #39 skeleton of `text`, lower-cased (see the module doc).
pub fn skeleton(text: &str) -> String {
    let table = &*TABLE;
    let mut mapped = String::with_capacity(text.len());
    for c in text.nfd() {
        match table.prototype.get(&c) {
            Some(p) => mapped.push_str(p),
            None => mapped.extend(c.to_lowercase()),
        }
    }
    mapped.nfd().collect()
}

/// The skeleton of an ASCII label, without allocation when nothing in it is confusable
/// (`None`: the skeleton is the label itself). The zone scan's fast path.
pub fn ascii_skeleton(label: &[u8]) -> Option<String> {
    let table = &*TABLE;
    if !label
        .iter()
        .any(|&b| b < 128 && table.ascii[b as usize].is_some())
    {
        return None;
    }
    let mut out = String::with_capacity(label.len() + 4);
    for &b in label {
        match table.ascii.get(b as usize).copied().flatten() {
            Some(p) => out.push_str(p),
            None => out.push(b.to_ascii_lowercase() as char),
        }
    }
    Some(out)
}

/// The non-ASCII characters that look like the ASCII letter or digit `c` (Cyrillic `о`, Greek
/// `ο` and Armenian `օ` for `o`), in the data file's order.
pub fn unicode_lookalikes(c: char) -> &'static [char] {
    TABLE.lookalikes.get(&c).map(Vec::as_slice).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_line_reads() {
        let data_lines = CONFUSABLES
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(TABLE.prototype.len(), data_lines);
    }

    #[test]
    fn skeletons() {
        // (text, skeleton). UTS #39 §4 gives "paypal" with Cyrillic а as the example of two
        // strings with one skeleton; the prototypes come from confusables.txt.
        let cases = [
            ("paypal", "paypal"),
            ("pаypаl", "paypal"),        // Cyrillic а (U+0430)
            ("nοrthwind", "northwind"),  // Greek omicron (U+03BF)
            ("nоrthwіnd", "northwind"),  // Cyrillic о, і
            ("n0rthwind", "northwind"),  // 0 → O, lower-cased (RFC 4343)
            ("paypa1", "paypal"),        // 1 → l
            ("microsoft", "rnicrosoft"), // m → rn, so rnicrosoft meets microsoft
            ("rnicrosoft", "rnicrosoft"),
            ("Northwind", "northwind"),
            // NFD keeps the accent apart: not the same skeleton, one edit away
            ("nörthwind", "no\u{308}rthwind"),
        ];
        for (text, expected) in cases {
            assert_eq!(skeleton(text), expected, "{text}");
        }
        assert_eq!(skeleton("pаypаl"), skeleton("paypal"));
        assert_ne!(skeleton("paypal"), skeleton("paypa"));
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_full_skeleton() {
        for label in [
            "northwind",
            "n0rthwind",
            "paypa1",
            "microsoft",
            "a-b-c",
            "x9",
        ] {
            let fast = ascii_skeleton(label.as_bytes()).unwrap_or_else(|| label.to_owned());
            assert_eq!(fast, skeleton(label), "{label}");
        }
        assert_eq!(ascii_skeleton(b"northwind"), None);
    }

    #[test]
    fn lookalikes_of_a_letter() {
        assert!(unicode_lookalikes('o').contains(&'ο'));
        assert!(unicode_lookalikes('o').contains(&'о'));
        assert!(unicode_lookalikes('a').contains(&'а'));
        assert!(unicode_lookalikes('t').is_empty());
    }
}
