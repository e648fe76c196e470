//! Port-43 WHOIS answers, read into a `RegistryRecord`. (Being written.)

use super::registry_record::{ParseError, RegistryRecord};

pub fn parse_whois(_tld: &str, _text: &str) -> Result<RegistryRecord, ParseError> {
    Err(ParseError::Unrecognised("not yet".into()))
}
