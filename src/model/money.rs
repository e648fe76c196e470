//! Amounts of money (maximum bids, fees, auction prices), kept in minor units (cents).

use std::fmt;

/// An ISO 4217 currency code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Currency(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("'{0}' is not a currency code; use three letters such as EUR, USD or GBP.")]
    Currency(String),
    #[error("'{0}' is not an amount; write it as 1500 or 1500.50.")]
    Amount(String),
    #[error("An amount cannot be negative.")]
    Negative,
    #[error("The amount is too large.")]
    TooLarge,
    #[error(
        "'{0}' has more than two decimals; amounts are kept in cents. Write it with at most two \
         decimals (1.23), or without a separator for thousands (1234)."
    )]
    TooPrecise(String),
}

impl Currency {
    pub fn parse(raw: &str) -> Result<Self, MoneyError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 3 && code.chars().all(|c| c.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(MoneyError::Currency(raw.chars().take(20).collect()))
        }
    }

    /// A currency as a form or the API gives it: blank means the firm's default (EUR).
    pub fn parse_or_default(raw: &str) -> Result<Self, MoneyError> {
        if raw.trim().is_empty() {
            Ok(Self::default())
        } else {
            Self::parse(raw)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Currency {
    fn default() -> Self {
        Self("EUR".to_owned())
    }
}

/// An amount in minor units (two decimals) of a currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

/// Parses an amount as people type it: `1500`, `1500.5`, `1 500,50`, `1,500.50`, `1.500`.
///
/// The last `.` or `,` followed by one or two digits is the decimal separator. Other separators
/// group thousands, and only as thousands are written: three digits after each, one to three
/// before the first, not starting with 0 (`1,500`, `12.345.678`). Anything else after a separator
/// (`1.2345`, `0.001`, `1,50,000`) would be a third decimal or a misplaced group: refused rather
/// than read as thousands.
pub fn parse_amount(raw: &str) -> Result<i64, MoneyError> {
    let shown = || raw.chars().take(30).collect::<String>();
    let invalid = || MoneyError::Amount(shown());
    let text: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\'')
        .collect();
    if text.starts_with('-') {
        return Err(MoneyError::Negative);
    }
    if text.is_empty() {
        return Err(invalid());
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(invalid());
    }
    let (whole, fraction) = match text.rfind(['.', ',']) {
        Some(i) if text.len() - i - 1 <= 2 => (&text[..i], &text[i + 1..]),
        _ => (text.as_str(), ""),
    };
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    if let [first, rest @ ..] = groups.as_slice()
        && !rest.is_empty()
    {
        let grouped = (1..=3).contains(&first.len())
            && !first.starts_with('0')
            && rest.iter().all(|g| g.len() == 3);
        if !grouped {
            let third_decimal = rest.len() == 1 && rest[0].len() > 3 || first.starts_with('0');
            return Err(if third_decimal && fraction.is_empty() {
                MoneyError::TooPrecise(shown())
            } else {
                invalid()
            });
        }
    }
    let whole: String = groups.concat();
    if whole.is_empty() && fraction.is_empty() {
        return Err(invalid());
    }
    let units: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| MoneyError::TooLarge)?
    };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().map_err(|_| invalid())? * 10,
        _ => fraction.parse().map_err(|_| invalid())?,
    };
    units
        .checked_mul(100)
        .and_then(|u| u.checked_add(cents))
        .filter(|v| *v <= 1_000_000_000_000)
        .ok_or(MoneyError::TooLarge)
}

/// Reads an amount sent as a number (JSON): an exact decimal, so `1.234` is a third decimal,
/// never thousands.
pub fn amount_of_number(number: &str) -> Result<i64, MoneyError> {
    let shown = || number.chars().take(30).collect::<String>();
    if number.starts_with('-') {
        return Err(MoneyError::Negative);
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty()
        || !whole
            .chars()
            .chain(fraction.chars())
            .all(|c| c.is_ascii_digit())
    {
        // An exponent (1e21) or anything else a JSON writer may produce: far beyond any bid.
        return Err(if number.contains(['e', 'E']) {
            MoneyError::TooLarge
        } else {
            MoneyError::Amount(shown())
        });
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > 2 {
        return Err(MoneyError::TooPrecise(shown()));
    }
    parse_amount(&format!("{whole}.{fraction}"))
}

/// `1500.50`: an amount as form fields, CSV files and the API write it (no
/// currency, no grouping).
pub fn format_plain(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", (minor / 100).abs(), (minor % 100).abs())
}

/// `EUR 1,500.00`
pub fn format_money(minor: i64, currency: &str) -> String {
    let units = minor / 100;
    let cents = (minor % 100).abs();
    let digits = units.abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if minor < 0 { "-" } else { "" };
    format!("{currency} {sign}{grouped}.{cents:02}")
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_money(self.minor, self.currency.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts() {
        let cases: &[(&str, Result<i64, MoneyError>)] = &[
            ("1500", Ok(150_000)),
            ("1500.5", Ok(150_050)),
            ("1500.50", Ok(150_050)),
            ("1 500,50", Ok(150_050)),
            ("1,500.50", Ok(150_050)),
            ("1.500,50", Ok(150_050)),
            ("1,500", Ok(150_000)),
            ("0.99", Ok(99)),
            (".5", Ok(50)),
            ("", Err(MoneyError::Amount("".into()))),
            ("abc", Err(MoneyError::Amount("abc".into()))),
            ("-5", Err(MoneyError::Negative)),
            ("99999999999999", Err(MoneyError::TooLarge)),
            // Thousands only as they are written; a third decimal is refused, not multiplied.
            ("12.345.678", Ok(1_234_567_800)),
            ("1,234,567.89", Ok(123_456_789)),
            ("0.001", Err(MoneyError::TooPrecise("0.001".into()))),
            ("1.2345", Err(MoneyError::TooPrecise("1.2345".into()))),
            ("1,50,000", Err(MoneyError::Amount("1,50,000".into()))),
            ("1.5.0", Err(MoneyError::Amount("1.5.0".into()))),
            ("1500€", Err(MoneyError::Amount("1500€".into()))),
        ];
        for (input, expected) in cases {
            assert_eq!(&parse_amount(input), expected, "{input:?}");
        }
    }

    #[test]
    fn numbers_are_exact_decimals() {
        let cases: &[(&str, Result<i64, MoneyError>)] = &[
            ("1500", Ok(150_000)),
            ("1500.5", Ok(150_050)),
            ("1500.50", Ok(150_050)),
            ("0.99", Ok(99)),
            ("1.230", Ok(123)),
            ("1.234", Err(MoneyError::TooPrecise("1.234".into()))),
            ("0.001", Err(MoneyError::TooPrecise("0.001".into()))),
            ("-1", Err(MoneyError::Negative)),
            ("1e21", Err(MoneyError::TooLarge)),
        ];
        for (input, expected) in cases {
            assert_eq!(&amount_of_number(input), expected, "{input:?}");
        }
    }

    #[test]
    fn formatting_and_currencies() {
        assert_eq!(format_money(150_050, "EUR"), "EUR 1,500.50");
        assert_eq!(format_money(99, "USD"), "USD 0.99");
        assert_eq!(format_money(123_456_789, "GBP"), "GBP 1,234,567.89");
        assert_eq!(format_plain(150_050), "1500.50");
        assert_eq!(format_plain(7), "0.07");
        assert_eq!(format_plain(-150), "-1.50");
        assert_eq!(Currency::parse(" usd ").unwrap().as_str(), "USD");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("€").is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

            #[test]
            fn no_text_makes_the_parsers_panic(text in any::<String>()) {
                let _ = parse_amount(&text);
                let _ = amount_of_number(&text);
                let _ = Currency::parse(&text);
            }

            /// parse → print → parse is stable: what reclaim writes, it reads back to the cent.
            #[test]
            fn printed_amounts_read_back(minor in 0i64..=1_000_000_000_000) {
                prop_assert_eq!(parse_amount(&format_plain(minor)), Ok(minor));
                prop_assert_eq!(amount_of_number(&format_plain(minor)), Ok(minor));
                let shown = format_money(minor, "EUR");
                prop_assert_eq!(parse_amount(shown.trim_start_matches("EUR ")), Ok(minor));
            }

            #[test]
            fn a_parsed_amount_prints_and_parses_the_same(text in "[0-9 .,']{1,16}") {
                if let Ok(minor) = parse_amount(&text) {
                    prop_assert_eq!(parse_amount(&format_plain(minor)), Ok(minor));
                }
            }
        }
    }
}
