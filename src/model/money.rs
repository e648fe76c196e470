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

/// Parses an amount as people type it: `1500`, `1500.5`, `1 500,50`, `1,500.50`.
pub fn parse_amount(raw: &str) -> Result<i64, MoneyError> {
    let invalid = || MoneyError::Amount(raw.chars().take(30).collect());
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
    // The last '.' or ',' followed by one or two digits is the decimal separator; others group
    // thousands.
    let (whole, fraction) = match text.rfind(['.', ',']) {
        Some(i) if text.len() - i - 1 <= 2 => (&text[..i], &text[i + 1..]),
        _ => (text.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != ',' && *c != '.').collect();
    if whole.is_empty() && fraction.is_empty() {
        return Err(invalid());
    }
    if !whole
        .chars()
        .chain(fraction.chars())
        .all(|c| c.is_ascii_digit())
    {
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
        ];
        for (input, expected) in cases {
            assert_eq!(&parse_amount(input), expected, "{input:?}");
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
}
