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
//! - One request at a time per key for a regular account (1 thread, 60 a minute): this client
//!   sends its requests one after the other, one name per request, so that each name gets its own
//!   answer.
//!
//! The key travels in the query string, as the API requires: the timeline shows it as
//! `[redacted]`.

use serde_json::Value;
use tokio::sync::Mutex;

use super::{Answer, Called, CatchApi, CatchError, Exchange, Order, Outcome, Provider};

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
        match status {
            200..=299 => {}
            401 | 403 => {
                return Err(CatchError::Unauthorized {
                    provider: Provider::Dynadot,
                    message: format!(
                        "HTTP {status}: check the API key and the IP whitelist (Dynadot, Tools, API)"
                    ),
                });
            }
            429 => {
                return Err(CatchError::Busy {
                    provider: Provider::Dynadot,
                });
            }
            400..=499 => {
                return Err(CatchError::Refused {
                    provider: Provider::Dynadot,
                    message: format!("HTTP {status}"),
                });
            }
            _ => {
                return Err(CatchError::Server {
                    provider: Provider::Dynadot,
                    status,
                });
            }
        }
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

impl Dynadot {
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
}
