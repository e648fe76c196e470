//! Dynadot's API 3 (Dynadot, "Domain API Command List", https://www.dynadot.com/domain/api-commands):
//! `GET https://api.dynadot.com/api3.json?key=KEY&command=COMMAND&…` over https.
//!
//! - `add_backorder_request` (`domain`: names, comma separated), `delete_backorder_request`
//!   (`domain`), `backorder_request_list` (`startDate`, `endDate`, `yyyy-mm-dd`).
//! - The answer is one object named after the command, `{"AddBackorderRequestResponse":
//!   {"ResponseCode": "0", "Status": "success"}}`; a failure carries `"Status": "error"` (or a
//!   non-zero code) and `"Error": "…"`. The XML flavour and older answers put `SuccessCode` in a
//!   `…Header` object (`AddBackorderRequestHeader`): both are read. `ResponseCode`/`SuccessCode`
//!   0 means success.
//! - One request at a time per key for a regular account (1 thread, 60 a minute; Dynadot on its
//!   API forum: "wait for a response to your request before sending out a new one",
//!   https://www.dynadot.com/hi/forums/api/search-limit-for-domains-7691): this client sends its
//!   requests one after the other, one name per request, so that each name gets its own answer;
//!   one client serves every run through the account (`catch::Clients`).
//! - Auctions of caught names among Dynadot's backorderers: `get_closed_backorder_auctions`
//!   (`startDate`, `endDate`; each `Auction` with `Domain`, `AuctionWonStatus` "won"/"lost",
//!   `BidPrice`, `BidPriceCurrency`, `YourHighBid`) and `get_backorder_auction_details`
//!   (`domain`; `Auction` with `AuctionStatusId` "0" while it runs, `BidPrice`, `EndTime`).
//!   XML-converted answers hold one `Auction` as an object, several as an array: both are read.
//! - A direct catch: `register` (`domain`, `duration` in years, optional `registrant_contact`,
//!   `admin_contact`, `technical_contact`, `billing_contact` (the account's contact ids),
//!   `premium=1`, `currency`; one name per request); the answer's `RegisterContent` holds
//!   `Expiration` and `Registration` in milliseconds since the epoch. Without a contact, the
//!   account's default WHOIS contact is used (`set_default_whois`).
//!
//! The key travels in the query string, as the API requires: the timeline shows it as
//! `[redacted]`.

use serde_json::Value;
use tokio::sync::Mutex;

use super::{
    Answer, AuctionNews, AuctionReport, Called, CatchApi, CatchError, Exchange, Order, Outcome,
    Provider,
};

pub const API: &str = "https://api.dynadot.com";

#[derive(Debug)]
pub struct Dynadot {
    http: reqwest::Client,
    api: String,
    key: String,
    /// One request at a time per key (API 3's rate limits).
    one_at_a_time: Mutex<()>,
}

/// What a command's answer said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandAnswer {
    pub success: bool,
    /// The `Error` text, or the `Status` when there is no error text.
    pub message: String,
    /// The command's object (`…Response`), for commands that return content.
    pub content: Value,
}

/// Reads an API 3 answer: the object named after the command, its code and its error.
pub(crate) fn read_answer(body: &str) -> Result<CommandAnswer, String> {
    let value: Value = serde_json::from_str(body).map_err(|e| format!("not JSON ({e})"))?;
    let Some(object) = value.as_object() else {
        return Err("not a JSON object".to_owned());
    };
    let Some((_, response)) = object.iter().next() else {
        return Err("an empty object".to_owned());
    };
    // The code and messages stand in the response object or in its `…Header` object.
    let header = response
        .as_object()
        .and_then(|o| {
            o.iter()
                .find(|(k, v)| k.ends_with("Header") && v.is_object())
                .map(|(_, v)| v)
        })
        .unwrap_or(response);
    let field = |name: &str| -> Option<String> {
        [header, response].iter().find_map(|o| match o.get(name) {
            Some(Value::String(s)) => Some(s.trim().to_owned()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let code = field("ResponseCode").or_else(|| field("SuccessCode"));
    let status = field("Status").unwrap_or_default();
    let error = field("Error").filter(|e| !e.is_empty());
    let success = match code.as_deref() {
        Some(code) => code == "0" && error.is_none(),
        None => status.eq_ignore_ascii_case("success") && error.is_none(),
    };
    Ok(CommandAnswer {
        success,
        message: error.unwrap_or(status),
        content: response.clone(),
    })
}

/// Dynadot's words for "this order is already there" and "there is no such order": the state
/// reclaim wants is reached either way.
fn already_there(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("already on your backorder") || m.contains("already exist")
}

fn not_there(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("not on your backorder") || m.contains("not found") || m.contains("does not exist")
}

/// Dynadot's words for a name someone holds: the registration came too late.
fn taken(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("not available")
        || m.contains("unavailable")
        || m.contains("is taken")
        || m.contains("already registered")
}

/// How many times a registration is sent when the registry still says "not available" right
/// after the release (its systems may lag the lookup service by a moment), one second apart.
const REGISTRATION_ATTEMPTS: usize = 3;
const REGISTRATION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// Dynadot's words for a refused key.
fn key_refused(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("invalid key")
        || m.contains("api key")
        || m.contains("not authorized")
        || m.contains("ip address")
}

impl Dynadot {
    pub fn new(http: reqwest::Client, api: String, key: String) -> Self {
        Self {
            http,
            api: api.trim_end_matches('/').to_owned(),
            key,
            one_at_a_time: Mutex::new(()),
        }
    }

    /// Sends one command; the answer read, or why there is none.
    async fn command(
        &self,
        action: &'static str,
        command: &str,
        params: &[(&str, String)],
        exchanges: &mut Vec<Exchange>,
    ) -> Result<CommandAnswer, CatchError> {
        let _turn = self.one_at_a_time.lock().await;
        let url = format!("{}/api3.json", self.api);
        let mut query: Vec<(&str, &str)> = vec![("key", self.key.as_str()), ("command", command)];
        query.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
        let shown_query: Vec<String> = query
            .iter()
            .map(|(k, v)| {
                if *k == "key" {
                    "key=[redacted]".to_owned()
                } else {
                    format!("{k}={v}")
                }
            })
            .collect();
        let shown = format!("GET {url}?{}", shown_query.join("&"));
        let request = self.http.get(&url).query(&query);
        let (status, body) =
            super::exchange(Provider::Dynadot, action, shown, request, exchanges).await?;
        super::http_status(
            Provider::Dynadot,
            status,
            "check the API key and the IP whitelist (Dynadot, Tools, API)",
        )?;
        let answer = read_answer(&body).map_err(|message| CatchError::Unreadable {
            provider: Provider::Dynadot,
            message,
        })?;
        if !answer.success && key_refused(&answer.message) {
            return Err(CatchError::Unauthorized {
                provider: Provider::Dynadot,
                message: answer.message,
            });
        }
        Ok(answer)
    }
}

impl CatchApi for Dynadot {
    async fn verify(&self) -> Called<()> {
        let mut exchanges = Vec::new();
        let today = chrono::Utc::now().date_naive();
        let params = [
            ("startDate", (today - chrono::Days::new(30)).to_string()),
            ("endDate", today.to_string()),
        ];
        let result = match self
            .command("list", "backorder_request_list", &params, &mut exchanges)
            .await
        {
            Ok(answer) if answer.success => Ok(()),
            Ok(answer) => Err(CatchError::Refused {
                provider: Provider::Dynadot,
                message: answer.message,
            }),
            Err(e) => Err(e),
        };
        Called { result, exchanges }
    }

    async fn place(&self, orders: &[Order]) -> Called<Vec<Answer>> {
        let domains: Vec<String> = orders.iter().map(|o| o.domain.clone()).collect();
        self.name_by_name("place", "add_backorder_request", &domains, |answer| {
            if answer.success || already_there(&answer.message) {
                Outcome::Placed {
                    max_bid_minor: None,
                    message: if answer.success {
                        "Backorder request added".to_owned()
                    } else {
                        answer.message
                    },
                }
            } else {
                Outcome::Refused {
                    message: answer.message,
                    code: String::new(),
                }
            }
        })
        .await
    }

    /// The closed auctions since `since` first (won or lost); for the names not among them, the
    /// running auction's details. A name with no auction at Dynadot is left out.
    async fn auctions(
        &self,
        domains: &[String],
        since: chrono::NaiveDate,
    ) -> Called<Vec<AuctionReport>> {
        let mut exchanges = Vec::new();
        if domains.is_empty() {
            return Called {
                result: Ok(Vec::new()),
                exchanges,
            };
        }
        let today = chrono::Utc::now().date_naive();
        let params = [
            ("startDate", since.min(today).to_string()),
            ("endDate", today.to_string()),
        ];
        let closed = match self
            .command(
                "auctions",
                "get_closed_backorder_auctions",
                &params,
                &mut exchanges,
            )
            .await
        {
            Ok(answer) if answer.success => closed_auctions(&answer.content),
            Ok(answer) => {
                return Called {
                    result: Err(CatchError::Refused {
                        provider: Provider::Dynadot,
                        message: answer.message,
                    }),
                    exchanges,
                };
            }
            Err(e) => return Called::with(Err(e), exchanges),
        };
        let mut reports: Vec<AuctionReport> = closed
            .into_iter()
            .filter(|r| domains.iter().any(|d| d.eq_ignore_ascii_case(&r.domain)))
            .collect();
        for domain in domains {
            if reports
                .iter()
                .any(|r| r.domain.eq_ignore_ascii_case(domain))
            {
                continue;
            }
            let params = [("domain", domain.clone())];
            match self
                .command(
                    "auctions",
                    "get_backorder_auction_details",
                    &params,
                    &mut exchanges,
                )
                .await
            {
                Ok(answer) if answer.success => {
                    reports.extend(open_auction(&answer.content, domain));
                }
                // No auction for this name (yet): nothing to report.
                Ok(_) => {}
                Err(e) => return Called::with(Err(e), exchanges),
            }
        }
        Called::with(Ok(reports), exchanges)
    }

    async fn cancel(&self, domains: &[String]) -> Called<Vec<Answer>> {
        self.name_by_name("cancel", "delete_backorder_request", domains, |answer| {
            if answer.success || not_there(&answer.message) {
                Outcome::Cancelled {
                    message: if answer.success {
                        "Backorder request deleted".to_owned()
                    } else {
                        answer.message
                    },
                }
            } else {
                Outcome::Refused {
                    message: answer.message,
                    code: String::new(),
                }
            }
        })
        .await
    }
}

/// The `Auction` objects anywhere under `value` (an object for one, an array for several).
fn auctions_in(value: &Value) -> Vec<&serde_json::Map<String, Value>> {
    let mut found = Vec::new();
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                match (key.as_str(), inner) {
                    ("Auction" | "Auctions", Value::Object(auction))
                        if auction.contains_key("Domain") =>
                    {
                        found.push(auction)
                    }
                    ("Auction" | "Auctions", Value::Array(items)) => found.extend(
                        items
                            .iter()
                            .filter_map(Value::as_object)
                            .filter(|a| a.contains_key("Domain")),
                    ),
                    (_, inner) => found.extend(auctions_in(inner)),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                found.extend(auctions_in(item));
            }
        }
        _ => {}
    }
    found
}

fn text(auction: &serde_json::Map<String, Value>, field: &str) -> Option<String> {
    match auction.get(field)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A price as Dynadot writes it ("89.00", "89.00 in USD"), in minor units.
fn price(auction: &serde_json::Map<String, Value>, field: &str) -> Option<i64> {
    let raw = text(auction, field)?;
    let number = raw.split_whitespace().next()?;
    crate::model::money::parse_amount(number).ok()
}

/// What the closed-auctions list says of each name: won or lost, at what price.
pub(crate) fn closed_auctions(content: &Value) -> Vec<AuctionReport> {
    auctions_in(content)
        .into_iter()
        .filter_map(|a| {
            let domain = text(a, "Domain")?.to_ascii_lowercase();
            let won = text(a, "AuctionWonStatus")?.to_ascii_lowercase();
            let currency = text(a, "BidPriceCurrency").unwrap_or_default();
            let price_minor = price(a, "BidPrice").or_else(|| price(a, "YourHighBid"));
            let shown = price_minor
                .map(|p| {
                    format!(" at {} {currency}", super::decimal(p))
                        .trim_end()
                        .to_owned()
                })
                .unwrap_or_default();
            let news = match won.as_str() {
                "won" | "yes" | "true" | "1" => AuctionNews::Won {
                    price_minor,
                    message: format!("auction won{shown}"),
                },
                "lost" | "no" | "false" | "0" => AuctionNews::Lost {
                    price_minor,
                    message: format!("auction lost to another backorderer{shown}"),
                },
                _ => return None,
            };
            Some(AuctionReport { domain, news })
        })
        .collect()
}

/// What an auction's details say while it runs: the current bid and its end.
pub(crate) fn open_auction(content: &Value, domain: &str) -> Option<AuctionReport> {
    let auction = auctions_in(content)
        .into_iter()
        .find(|a| text(a, "Domain").is_some_and(|d| d.eq_ignore_ascii_case(domain)))?;
    if text(auction, "AuctionStatusId").is_some_and(|s| s != "0") {
        return None;
    }
    let price_minor = price(auction, "BidPrice");
    let currency = text(auction, "BidPriceCurrency").unwrap_or_default();
    let mut message = "in auction among Dynadot's backorderers".to_owned();
    if let Some(p) = price_minor {
        message.push_str(&format!(", current bid {} {currency}", super::decimal(p)));
        message = message.trim_end().to_owned();
    }
    if let Some(end) = text(auction, "EndTime") {
        message.push_str(&format!(", ends {end}"));
    }
    Some(AuctionReport {
        domain: domain.to_owned(),
        news: AuctionNews::Open {
            price_minor,
            message,
        },
    })
}

impl Dynadot {
    /// Registers each released name through the account (a direct catch) for the order's years,
    /// in the order's registrant's name (`registrant_contact`) or the account's default: at most
    /// [`REGISTRATION_ATTEMPTS`] requests per name, one a second, while the registry says "not
    /// available"; registered, taken (someone else was faster) or refused (premium, reserved,
    /// a registry's registrant rules: Dynadot's message).
    pub async fn register(&self, orders: &[Order]) -> Called<Vec<Answer>> {
        let mut exchanges = Vec::new();
        let mut answers = Vec::with_capacity(orders.len());
        for order in orders {
            let mut params = vec![
                ("domain", order.domain.clone()),
                ("duration", order.years.clamp(1, 10).to_string()),
            ];
            // The registrant the backorder chose (the client's contact id at the account);
            // without it, the account's default WHOIS contact: the firm's.
            if let Some(contact) = &order.registrant {
                params.push(("registrant_contact", contact.clone()));
            }
            let mut attempt = 0;
            let outcome = loop {
                attempt += 1;
                let answer = match self
                    .command("register", "register", &params, &mut exchanges)
                    .await
                {
                    Ok(answer) => answer,
                    Err(e) => return Called::with(Err(e), exchanges),
                };
                if answer.success {
                    let expires = answer
                        .content
                        .pointer("/RegisterContent/Expiration")
                        .or_else(|| answer.content.get("Expiration"))
                        .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
                        .and_then(chrono::DateTime::from_timestamp_millis)
                        .map(|t| format!(", expires {}", t.format("%Y-%m-%d")))
                        .unwrap_or_default();
                    break Outcome::Registered {
                        message: format!("registered through the firm's Dynadot account{expires}"),
                    };
                }
                if taken(&answer.message) {
                    if attempt < REGISTRATION_ATTEMPTS {
                        tokio::time::sleep(REGISTRATION_INTERVAL).await;
                        continue;
                    }
                    break Outcome::Taken {
                        message: format!(
                            "not available when the registration was sent ({attempt} attempts): another party was faster ({})",
                            answer.message
                        ),
                    };
                }
                break Outcome::Refused {
                    message: answer.message,
                    code: String::new(),
                };
            };
            answers.push(Answer {
                domain: order.domain.clone(),
                outcome,
            });
        }
        Called::with(Ok(answers), exchanges)
    }

    /// Sends `command` for each name in turn, one answer per name. When the account or the
    /// service fails, the names not yet asked are not answered: the whole call fails.
    async fn name_by_name(
        &self,
        action: &'static str,
        command: &str,
        domains: &[String],
        outcome: impl Fn(CommandAnswer) -> Outcome,
    ) -> Called<Vec<Answer>> {
        let mut exchanges = Vec::new();
        let mut answers = Vec::with_capacity(domains.len());
        for domain in domains {
            let params = [("domain", domain.clone())];
            match self.command(action, command, &params, &mut exchanges).await {
                Ok(answer) => answers.push(Answer {
                    domain: domain.clone(),
                    outcome: outcome(answer),
                }),
                Err(e) => {
                    return Called {
                        result: Err(e),
                        exchanges,
                    };
                }
            }
        }
        Called {
            result: Ok(answers),
            exchanges,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documentation's JSON answers, the XML flavour's header form, and errors.
    #[test]
    fn answers_read_in_both_forms() {
        type Case<'a> = (&'a str, Result<(bool, &'a str), ()>);
        let cases: Vec<Case> = vec![
            (
                r#"{"AddBackorderRequestResponse":{"ResponseCode":"0","Status":"success"}}"#,
                Ok((true, "success")),
            ),
            (
                r#"{"BackorderRequestListResponse":{"ResponseCode":0,"Status":"success","BackorderRequestList":[]}}"#,
                Ok((true, "success")),
            ),
            (
                r#"{"AddBackorderRequestResponse":{"AddBackorderRequestHeader":{"SuccessCode":"0","Status":"success"}}}"#,
                Ok((true, "success")),
            ),
            (
                r#"{"AddBackorderRequestResponse":{"AddBackorderRequestHeader":{"SuccessCode":"-1","Status":"error","Error":"example.com is already on your backorder request list"}}}"#,
                Ok((
                    false,
                    "example.com is already on your backorder request list",
                )),
            ),
            (
                r#"{"AddBackorderRequestResponse":{"ResponseCode":"-1","Status":"error","Error":"invalid key"}}"#,
                Ok((false, "invalid key")),
            ),
            ("<html>gateway</html>", Err(())),
            ("[]", Err(())),
            ("{}", Err(())),
        ];
        for (body, expected) in cases {
            let got = read_answer(body)
                .map(|a| (a.success, a.message))
                .map_err(|_| ());
            assert_eq!(got, expected.map(|(s, m)| (s, m.to_owned())), "{body}");
        }
        assert!(already_there(
            "example.com is already on your backorder request list"
        ));
        assert!(key_refused("invalid key"));
    }

    /// The documented closed-auctions answer (one `Auction` object, or an array), and a running
    /// auction's details (`AuctionStatusId` 0), read into what reclaim records.
    #[test]
    fn auctions_read_into_won_lost_or_running() {
        let closed: Value = serde_json::from_str(
            r#"{"ResponseCode":0,"Status":"success","Auctions":[
                {"AuctionId":"11","Domain":"Won-Name.com","AuctionWonStatus":"won","BidPrice":"145.00","BidPriceCurrency":"USD"},
                {"AuctionId":"12","Domain":"lost-name.com","AuctionWonStatus":"lost","BidPrice":"310.00 in USD"},
                {"AuctionId":"13","Domain":"odd.com","AuctionWonStatus":""}]}"#,
        )
        .unwrap();
        let reports = closed_auctions(&closed);
        assert_eq!(
            reports,
            vec![
                AuctionReport {
                    domain: "won-name.com".into(),
                    news: AuctionNews::Won {
                        price_minor: Some(14_500),
                        message: "auction won at 145.00 USD".into()
                    }
                },
                AuctionReport {
                    domain: "lost-name.com".into(),
                    news: AuctionNews::Lost {
                        price_minor: Some(31_000),
                        message: "auction lost to another backorderer at 310.00".into()
                    }
                },
            ]
        );
        // The XML flavour converted: one auction as an object under a content object.
        let one: Value = serde_json::from_str(
            r#"{"GetClosedAuctionsContent":{"Auction":{"Domain":"a.com","AuctionWonStatus":"won"}}}"#,
        )
        .unwrap();
        assert_eq!(closed_auctions(&one).len(), 1);

        let running: Value = serde_json::from_str(
            r#"{"ResponseCode":0,"Status":"success","GetBackorderAuctionDetails":{"Auction":{"Domain":"example.com","AuctionStatusId":"0","BidPrice":"89.00","BidPriceCurrency":"USD","EndTime":"2026/12/20 09:00 UTC"}}}"#,
        )
        .unwrap();
        assert_eq!(
            open_auction(&running, "example.com"),
            Some(AuctionReport {
                domain: "example.com".into(),
                news: AuctionNews::Open {
                    price_minor: Some(8_900),
                    message: "in auction among Dynadot's backorderers, current bid 89.00 USD, ends 2026/12/20 09:00 UTC".into()
                }
            })
        );
        // Closed by the administrator (status 2): not a running auction.
        let closed_by_admin: Value =
            serde_json::from_str(r#"{"Auction":{"Domain":"example.com","AuctionStatusId":"2"}}"#)
                .unwrap();
        assert_eq!(open_auction(&closed_by_admin, "example.com"), None);
        assert_eq!(open_auction(&running, "other.com"), None);
    }
}
