//! Lookalike watch, pure logic: the marks a firm protects, the lookalike names they invite
//! (candidates, by family) and the matcher that recognises a registered name as imitating a
//! mark — by its confusable skeleton, by containing the mark, or by a small edit distance — so
//! that names no list enumerates are found too. No I/O: the zone scan (`crate::lookalike`)
//! feeds it names. Sources, numbered as in `docs/lookalikes.md`:
//!
//! - [L1] dnstwist, github.com/elceef/dnstwist, `dnstwist.py` (class `Fuzzer`): the families
//!   addition, bitsquatting, homoglyph, hyphenation, insertion, omission, repetition,
//!   replacement, subdomain, transposition, vowel-swap, dictionary and tld-swap, and the
//!   QWERTY, QWERTZ and AZERTY keyboards.
//! - [L2] Unicode Technical Standard #39, Unicode Security Mechanisms, §4 Confusable Detection
//!   (skeleton) and its data file `confusables.txt` (Version 15.1.0).
//! - [L3] RFC 5890/5891 (IDNA 2008: A-labels, U-labels) and UTS #46 (mapping).
//! - [L4] F. J. Damerau, "A technique for computer detection and correction of spelling
//!   errors", CACM 7(3), 1964: the four single-edit errors (insertion, deletion,
//!   substitution, transposition of adjacent letters).
//! - [L5] RFC 4343 §3: DNS names compare without regard to ASCII case.

pub mod candidates;
pub mod matcher;
pub mod skeleton;

pub use candidates::{Candidate, candidates};
pub use matcher::{Match, Matcher, Reason};

use std::fmt;

use crate::model::domain_name::{DomainNameError, parse_label};

/// How a lookalike was made from the mark ([L1]'s names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    /// A character added at the end (`northwinds`, `northwind1`).
    Addition,
    /// One bit of one character flipped, giving another letter, digit or hyphen
    /// (`nkrthwind`: `o` 0x6F → `k` 0x6B).
    Bitsquatting,
    /// A character replaced by one that looks like it: ASCII (`n0rthwind`, `rn` for `m`) or
    /// another script (`nοrthwind` with a Greek omicron, registered as `xn--…`).
    Homoglyph,
    /// A hyphen inside (`north-wind`).
    Hyphenation,
    /// A neighbouring key typed beside a character (`nortghwind`).
    Insertion,
    /// A character left out (`nrthwind`).
    Omission,
    /// A character typed twice (`northwiind`).
    Repetition,
    /// A character replaced by a neighbouring key (`nprthwind`).
    Replacement,
    /// A dot inside, making part of the mark a subdomain (`north.wind.com`).
    Subdomain,
    /// Two neighbouring characters swapped (`nrothwind`).
    Transposition,
    /// One vowel replaced by another (`narthwind`).
    VowelSwap,
    /// The plural (`northwinds`, `northwindes`).
    Plural,
    /// The mark with a common word (`northwind-login`, `securenorthwind`).
    Dictionary,
    /// The mark itself under another top-level domain (`northwind.net`).
    TldSwap,
}

impl Family {
    /// Most specific first: a name two families can make is credited to the first (the
    /// candidates' order, and the family a match reports).
    pub const ALL: [Family; 14] = [
        Family::TldSwap,
        Family::Homoglyph,
        Family::Plural,
        Family::Dictionary,
        Family::Subdomain,
        Family::Hyphenation,
        Family::Repetition,
        Family::Transposition,
        Family::VowelSwap,
        Family::Bitsquatting,
        Family::Replacement,
        Family::Insertion,
        Family::Omission,
        Family::Addition,
    ];

    /// The name used in JSON and on the command line (dnstwist's).
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Addition => "addition",
            Family::Bitsquatting => "bitsquatting",
            Family::Homoglyph => "homoglyph",
            Family::Hyphenation => "hyphenation",
            Family::Insertion => "insertion",
            Family::Omission => "omission",
            Family::Repetition => "repetition",
            Family::Replacement => "replacement",
            Family::Subdomain => "subdomain",
            Family::Transposition => "transposition",
            Family::VowelSwap => "vowel-swap",
            Family::Plural => "plural",
            Family::Dictionary => "dictionary",
            Family::TldSwap => "tld-swap",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error(
        "'{0}' is too short to watch: a mark of one or two characters matches too many names; enter the brand as it is written, such as northwind."
    )]
    TooShort(String),
    #[error(
        "'{shown}' cannot be a mark: {reason} Enter one word, letters, digits or hyphens, such as northwind."
    )]
    Invalid {
        shown: String,
        reason: DomainNameError,
    },
}

/// A brand term watched for lookalikes: one label, lower-cased and IDNA-mapped like a domain
/// name's ([L3]; `model::domain_name` does the parsing).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Mark {
    ascii: String,
    unicode: String,
    skeleton: String,
}

/// Marks shorter than this are refused: every zone holds thousands of names containing them.
pub const MIN_MARK_CHARS: usize = 3;

impl Mark {
    pub fn parse(raw: &str) -> Result<Self, MarkError> {
        let shown: String = raw.trim().chars().take(80).collect();
        let (ascii, unicode) = parse_label(raw).map_err(|reason| MarkError::Invalid {
            shown: shown.clone(),
            reason,
        })?;
        if unicode.chars().count() < MIN_MARK_CHARS {
            return Err(MarkError::TooShort(shown));
        }
        let skeleton = skeleton::skeleton(&unicode);
        Ok(Self {
            ascii,
            unicode,
            skeleton,
        })
    }

    /// The A-label form (`northwind`, `xn--bcher-kva`).
    pub fn ascii(&self) -> &str {
        &self.ascii
    }

    /// The form people read.
    pub fn unicode(&self) -> &str {
        &self.unicode
    }

    /// The UTS #39 skeleton of the mark ([L2]).
    pub fn skeleton(&self) -> &str {
        &self.skeleton
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unicode)
    }
}

/// The common words squatters put beside a mark (`data/lookalike_words.txt`).
pub fn words() -> impl Iterator<Item = &'static str> {
    include_str!("../../../data/lookalike_words.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_that_parse() {
        // (input, A-label, Unicode) — UTS #46 mapping lower-cases; IDNA 2008 A-labels
        let cases = [
            ("Northwind", "northwind", "northwind"),
            ("  helios-bank ", "helios-bank", "helios-bank"),
            ("3m3", "3m3", "3m3"),
            ("Bücher", "xn--bcher-kva", "bücher"),
            ("abc", "abc", "abc"),
        ];
        for (raw, ascii, unicode) in cases {
            let mark = Mark::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!((mark.ascii(), mark.unicode()), (ascii, unicode), "{raw}");
        }
    }

    #[test]
    fn marks_that_are_refused() {
        let cases = [
            ("ab", "too short to watch"),
            ("x", "too short to watch"),
            ("é", "too short to watch"),
            ("", "Enter a domain name"),
            ("north wind", "cannot be a mark"),
            ("northwind.com", "cannot be a mark"),
            ("-north", "starts or ends with a hyphen"),
        ];
        for (raw, expected) in cases {
            let err = Mark::parse(raw).unwrap_err().to_string();
            assert!(err.contains(expected), "{raw:?}: {err}");
        }
    }

    #[test]
    fn the_word_list_is_clean() {
        let words: Vec<_> = words().collect();
        assert!(words.len() > 20);
        for w in &words {
            assert!(
                w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{w}"
            );
        }
        let mut sorted = words.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), words.len(), "no word twice");
    }
}
