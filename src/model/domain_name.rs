//! Domain names, parsed once: Unicode or A-label input, IDNA 2008 with the UTS #46 processing
//! browsers use, lower-cased, length and label rules checked, and the registrable name and its
//! public suffix found with the Public Suffix List (ICANN section).
//!
//! Sources: RFC 1035 §2.3.1 (letters, digits, hyphen; no hyphen at either end) and §2.3.4 (63
//! octets per label); RFC 1123 §2.1 (a label may start with a digit); RFC 5890 §2.3.2.1 (the
//! `xn--` A-label form) and RFC 5891 §4.2.3.1 (no `--` in positions 3–4 except A-labels);
//! UTS #46 §4 (mapping, including lower-casing); the Public Suffix List (publicsuffix.org).

use std::fmt;

/// A fully qualified domain name, stored as its A-label (ASCII) form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DomainName {
    ascii: String,
    unicode: String,
    /// The ICANN public suffix under which the name is registered (`com`, `co.uk`).
    suffix: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainNameError {
    #[error("Enter a domain name, such as example.com.")]
    Empty,
    #[error("'{0}' contains a space or another character that cannot appear in a domain name.")]
    ForbiddenCharacter(String),
    #[error("'{0}' has an empty part between dots; write it as name.tld, such as example.com.")]
    EmptyLabel(String),
    #[error(
        "'{name}' has a part longer than 63 characters ('{label}…'); each part between dots can be at most 63 characters (RFC 1035)."
    )]
    LabelTooLong { name: String, label: String },
    #[error("'{0}' is longer than 253 characters, the most a domain name can have (RFC 1035).")]
    TooLong(String),
    #[error("'{0}' has a part that starts or ends with a hyphen, which domain names do not allow.")]
    HyphenAtEdge(String),
    #[error("'{0}' is not a valid internationalised domain name (IDNA 2008); check its spelling.")]
    Idna(String),
    #[error("'{0}' has no top-level domain; write the full name, such as {0}.com.")]
    SingleLabel(String),
    #[error(
        "'.{tld}' is not a top-level domain in the Public Suffix List; check the end of '{name}'."
    )]
    UnknownTld { name: String, tld: String },
    #[error(
        "'{0}' is a public suffix, under which others register names; write the full name, such as example.{0}."
    )]
    PublicSuffixOnly(String),
}

impl DomainName {
    /// Parses what a person typed or pasted: a name in Unicode or A-label form, upper or lower
    /// case, with or without a trailing dot, or a web address (scheme and path are dropped).
    pub fn parse(raw: &str) -> Result<Self, DomainNameError> {
        let host = strip_url(raw.trim());
        let host = host.strip_suffix('.').unwrap_or(host);
        if host.is_empty() {
            return Err(DomainNameError::Empty);
        }
        let shown: String = host.chars().take(80).collect();
        if host.chars().any(|c| {
            c.is_whitespace() || c.is_control() || "_/\\@:?#*!,;\"'<>()[]{}|+=%&$~`^".contains(c)
        }) {
            return Err(DomainNameError::ForbiddenCharacter(shown));
        }
        if host.starts_with('.') || host.contains("..") {
            return Err(DomainNameError::EmptyLabel(shown));
        }
        let ascii = idna::domain_to_ascii_strict(host).map_err(|_| {
            if host
                .split('.')
                .any(|l| l.starts_with('-') || l.ends_with('-'))
            {
                DomainNameError::HyphenAtEdge(shown.clone())
            } else if let Some(label) = host.split('.').find(|l| l.len() > 63) {
                DomainNameError::LabelTooLong {
                    name: shown.clone(),
                    label: label.chars().take(20).collect(),
                }
            } else if host.len() > 253 {
                DomainNameError::TooLong(shown.clone())
            } else {
                DomainNameError::Idna(shown.clone())
            }
        })?;
        // The strict conversion checks lengths on the ASCII form too; keep the rules explicit.
        if ascii.len() > 253 {
            return Err(DomainNameError::TooLong(shown));
        }
        if let Some(label) = ascii.split('.').find(|l| l.len() > 63) {
            return Err(DomainNameError::LabelTooLong {
                name: shown,
                label: label.chars().take(20).collect(),
            });
        }
        if !ascii.contains('.') {
            return Err(DomainNameError::SingleLabel(shown));
        }
        let suffix = icann_suffix(&ascii).ok_or_else(|| DomainNameError::UnknownTld {
            name: shown.clone(),
            tld: ascii.rsplit('.').next().unwrap_or_default().to_owned(),
        })?;
        if suffix == ascii {
            return Err(DomainNameError::PublicSuffixOnly(to_unicode(&ascii)));
        }
        let unicode = to_unicode(&ascii);
        Ok(Self {
            ascii,
            unicode,
            suffix,
        })
    }

    /// The A-label form: the key under which the name is stored and looked up.
    pub fn ascii(&self) -> &str {
        &self.ascii
    }

    /// The form people read (`bücher.de` rather than `xn--bcher-kva.de`).
    pub fn unicode(&self) -> &str {
        &self.unicode
    }

    /// The top-level domain, A-label form, without a dot (`uk` for `example.co.uk`).
    pub fn tld(&self) -> &str {
        self.ascii.rsplit('.').next().unwrap_or(&self.ascii)
    }

    /// The ICANN public suffix (`co.uk`).
    pub fn public_suffix(&self) -> &str {
        &self.suffix
    }

    /// The name a registrant holds: one label under the public suffix (`example.co.uk` for
    /// `www.example.co.uk`).
    pub fn registrable(&self) -> DomainName {
        let keep = self.suffix.split('.').count() + 1;
        let labels: Vec<&str> = self.ascii.split('.').collect();
        let ascii = labels[labels.len().saturating_sub(keep)..].join(".");
        DomainName {
            unicode: to_unicode(&ascii),
            ascii,
            suffix: self.suffix.clone(),
        }
    }

    pub fn is_registrable(&self) -> bool {
        self.ascii.split('.').count() == self.suffix.split('.').count() + 1
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unicode)
    }
}

/// `https://www.example.com/path?x` → `www.example.com`.
fn strip_url(input: &str) -> &str {
    let without_scheme = match input.find("://") {
        Some(i) if input[..i].chars().all(|c| c.is_ascii_alphabetic()) => &input[i + 3..],
        _ => input,
    };
    let end = without_scheme
        .find(['/', '?', '#'])
        .unwrap_or(without_scheme.len());
    let host = &without_scheme[..end];
    // A port, if any, is not part of the name.
    match host.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    }
}

fn to_unicode(ascii: &str) -> String {
    let (unicode, result) = idna::domain_to_unicode(ascii);
    if result.is_ok() {
        unicode
    } else {
        ascii.to_owned()
    }
}

/// The public suffix of the ICANN section that `ascii` falls under. Private-section entries
/// (`github.io`, `blogspot.com`) are skipped: backorders deal with names held at a registry.
fn icann_suffix(ascii: &str) -> Option<String> {
    icann_suffix_of(ascii).map(str::to_owned)
}

fn icann_suffix_of(ascii: &str) -> Option<&str> {
    use psl::Psl;
    let mut rest = ascii;
    loop {
        let suffix = psl::List.suffix(rest.as_bytes())?;
        // The suffix is the end of `rest`, so its length slices `rest` without decoding.
        let text = &rest[rest.len() - suffix.as_bytes().len()..];
        match suffix.typ() {
            Some(psl::Type::Icann) => return Some(text),
            Some(psl::Type::Private) => {
                // Look again without the private suffix's first label.
                rest = text.split_once('.')?.1;
            }
            None => return None,
        }
    }
}

/// The label a registrant chose, in A-label form: the one just under the ICANN public suffix
/// (`northwind` for `www.northwind.co.uk`). Meant for names already in A-label form and lower
/// case, as zone files hold them; a trailing dot is allowed. `None` when the name is a public
/// suffix alone or its suffix is unknown. No allocation: the zone scan calls it for every name.
pub fn registrable_label(ascii: &str) -> Option<&str> {
    let name = ascii.strip_suffix('.').unwrap_or(ascii);
    let suffix = icann_suffix_of(name)?;
    let rest = name.strip_suffix(suffix)?.strip_suffix('.')?;
    let label = rest.rsplit('.').next()?;
    (!label.is_empty()).then_some(label)
}

/// One label typed by a person (a brand term, a word): UTS #46 mapping (lower case), IDNA 2008
/// validity and the LDH and length rules of a label, as for [`DomainName::parse`]. Returns the
/// A-label and the Unicode form.
pub fn parse_label(raw: &str) -> Result<(String, String), DomainNameError> {
    let label = raw.trim();
    if label.is_empty() {
        return Err(DomainNameError::Empty);
    }
    let shown: String = label.chars().take(80).collect();
    if label.contains('.') {
        return Err(DomainNameError::ForbiddenCharacter(shown));
    }
    // A label under a known suffix goes through every rule of a full name.
    let name = DomainName::parse(&format!("{label}.com")).map_err(|e| match e {
        DomainNameError::LabelTooLong { label, .. } => DomainNameError::LabelTooLong {
            name: shown.clone(),
            label,
        },
        DomainNameError::ForbiddenCharacter(_) => {
            DomainNameError::ForbiddenCharacter(shown.clone())
        }
        DomainNameError::HyphenAtEdge(_) => DomainNameError::HyphenAtEdge(shown.clone()),
        _ => DomainNameError::Idna(shown.clone()),
    })?;
    let ascii = name.ascii().strip_suffix(".com").unwrap_or(name.ascii());
    let unicode = name
        .unicode()
        .strip_suffix(".com")
        .unwrap_or(name.unicode());
    Ok((ascii.to_owned(), unicode.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_parse() {
        // (input, A-label, Unicode, public suffix, registrable)
        let cases = [
            (
                "example.com",
                "example.com",
                "example.com",
                "com",
                "example.com",
            ),
            // UTS #46 §4: mapping lower-cases; a trailing dot (FQDN) is dropped
            (
                "EXAMPLE.Com.",
                "example.com",
                "example.com",
                "com",
                "example.com",
            ),
            // RFC 5891: U-label input is stored as its A-label
            (
                "bücher.de",
                "xn--bcher-kva.de",
                "bücher.de",
                "de",
                "xn--bcher-kva.de",
            ),
            (
                "xn--bcher-kva.de",
                "xn--bcher-kva.de",
                "bücher.de",
                "de",
                "xn--bcher-kva.de",
            ),
            (
                "Bücher.DE",
                "xn--bcher-kva.de",
                "bücher.de",
                "de",
                "xn--bcher-kva.de",
            ),
            (
                "пример.рф",
                "xn--e1afmkfd.xn--p1ai",
                "пример.рф",
                "xn--p1ai",
                "xn--e1afmkfd.xn--p1ai",
            ),
            // PSL: multi-label public suffixes
            (
                "example.co.uk",
                "example.co.uk",
                "example.co.uk",
                "co.uk",
                "example.co.uk",
            ),
            (
                "www.example.co.uk",
                "www.example.co.uk",
                "www.example.co.uk",
                "co.uk",
                "example.co.uk",
            ),
            // PSL private section is skipped: github.io is registered under .io
            (
                "foo.github.io",
                "foo.github.io",
                "foo.github.io",
                "io",
                "github.io",
            ),
            // RFC 1123 §2.1: labels may start with a digit
            ("123.fr", "123.fr", "123.fr", "fr", "123.fr"),
            ("a-b.eu", "a-b.eu", "a-b.eu", "eu", "a-b.eu"),
            // pasted web addresses
            (
                "https://www.Example.com/path?q=1",
                "www.example.com",
                "www.example.com",
                "com",
                "example.com",
            ),
            (
                "http://example.org:8080/",
                "example.org",
                "example.org",
                "org",
                "example.org",
            ),
            (
                "  example.nl  ",
                "example.nl",
                "example.nl",
                "nl",
                "example.nl",
            ),
        ];
        for (input, ascii, unicode, suffix, registrable) in cases {
            let name = DomainName::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(name.ascii(), ascii, "{input}");
            assert_eq!(name.unicode(), unicode, "{input}");
            assert_eq!(name.public_suffix(), suffix, "{input}");
            assert_eq!(name.registrable().ascii(), registrable, "{input}");
            assert_eq!(name.is_registrable(), ascii == registrable, "{input}");
        }
        assert_eq!(DomainName::parse("example.co.uk").unwrap().tld(), "uk");
    }

    #[test]
    fn names_that_do_not_parse() {
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = format!("{}.com", vec!["a".repeat(60); 5].join("."));
        let cases: Vec<(&str, &str)> = vec![
            ("", "Enter a domain name"),
            ("   ", "Enter a domain name"),
            (".", "Enter a domain name"),
            ("exa mple.com", "contains a space"),
            ("under_score.com", "contains a space or another character"),
            ("example..com", "empty part between dots"),
            (".example.com", "empty part between dots"),
            // RFC 1035 §2.3.1
            ("-example.com", "starts or ends with a hyphen"),
            ("example-.com", "starts or ends with a hyphen"),
            // RFC 1035 §2.3.4: 63 octets per label
            (&long_label, "longer than 63 characters"),
            (&long_name, "longer than 253 characters"),
            // RFC 5891 §4.2.3.1: `--` in positions 3-4 only for A-labels
            ("ab--cd.com", "not a valid internationalised domain name"),
            // an A-label that does not decode
            ("xn--a.com", "not a valid internationalised domain name"),
            ("localhost", "has no top-level domain"),
            (
                "example.notarealtld",
                "'.notarealtld' is not a top-level domain",
            ),
            // PSL: a public suffix alone cannot be registered
            ("co.uk", "'co.uk' is a public suffix"),
            ("com", "has no top-level domain"),
        ];
        for (input, expected) in cases {
            let err = DomainName::parse(input).unwrap_err().to_string();
            assert!(err.contains(expected), "{input:?}: {err}");
        }
    }

    #[test]
    fn registrable_labels() {
        // Public Suffix List (publicsuffix.org), ICANN section; private entries skipped
        let cases = [
            ("northwind.com.", Some("northwind")),
            ("northwind.com", Some("northwind")),
            ("www.northwind.co.uk", Some("northwind")),
            ("foo.github.io", Some("github")),
            ("xn--nrthwind-9mf.com.", Some("xn--nrthwind-9mf")),
            ("com.", None),
            ("co.uk", None),
            ("northwind.notarealtld", None),
        ];
        for (name, label) in cases {
            assert_eq!(registrable_label(name), label, "{name}");
        }
    }

    #[test]
    fn labels_typed_by_a_person() {
        assert_eq!(
            parse_label(" Northwind ").unwrap(),
            ("northwind".to_owned(), "northwind".to_owned())
        );
        assert_eq!(
            parse_label("Bücher").unwrap(),
            ("xn--bcher-kva".to_owned(), "bücher".to_owned())
        );
        for (raw, expected) in [
            ("", "Enter a domain name"),
            ("north.wind", "cannot appear in a domain name"),
            ("north wind", "cannot appear in a domain name"),
            ("-north", "starts or ends with a hyphen"),
        ] {
            let err = parse_label(raw).unwrap_err().to_string();
            assert!(err.contains(expected), "{raw:?}: {err}");
        }
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn no_text_makes_the_parser_panic(text in any::<String>()) {
                let _ = DomainName::parse(&text);
            }

            /// parse → print → parse is stable, from the A-label and from the Unicode form.
            #[test]
            fn a_parsed_name_parses_back_to_itself(
                text in "(https?://)?[a-zA-Z0-9äöüéçßñ-]{1,20}(\\.[a-zA-Z0-9äöüé-]{1,12}){0,2}\\.(com|fr|de|co\\.uk|org|xn--p1ai)\\.?(/[a-z]{0,5})?"
            ) {
                if let Ok(name) = DomainName::parse(&text) {
                    let again = DomainName::parse(name.ascii()).expect("the A-label parses");
                    prop_assert_eq!(again.ascii(), name.ascii());
                    prop_assert_eq!(again.unicode(), name.unicode());
                    let from_unicode = DomainName::parse(name.unicode()).expect("the Unicode form parses");
                    prop_assert_eq!(from_unicode.ascii(), name.ascii());
                }
            }
        }
    }
}
