//! DropCatch's backorder API. DropCatch accounts are NameBright accounts; the API is documented
//! by NameBright's examples (github.com/NameBright/DropCatchBackorderExamples: README.md,
//! BashCurl/backorderapi.sh, CSharpExample/CSharpExample/DropCatchApiExample.cs):
//!
//! - Token: `POST https://api.namebright.com/auth/token`, form fields
//!   `grant_type=client_credentials`, `client_id=<account name>:<application name>`,
//!   `client_secret=<secret>`; the answer is JSON with `access_token` (OAuth 2.0 client
//!   credentials, RFC 6749 §4.4; `expires_in` per §5.1 when given). Then
//!   `Authorization: Bearer <token>`.
//! - Place: `POST https://www.dropcatch.com/api/BackorderDomainsApi/BackOrderDomains` with JSON
//!   `{"domains": ["name.com[,maxbid]", …], "routingCode": "standard"|"discount"}` (the C#
//!   example's usage: `domain1[,maxbid]`).
//! - Cancel: `POST …/api/BackorderDomainsApi/CancelBackOrders` with a JSON array of names (the
//!   curl example; the C# example posts the same object as for placing — the curl form is used).
//! - Answer: `{"someErrors": bool, "results": [{"domainName", "success", "maxBid", "message",
//!   "statusCode"}]}`; `200.1` "Backorder Accepted"; `411.0` "… is not in pending delete
//!   status." (README, "Partial Failure").
//!
//! - Auctions: the published backorder API has no call that reports auctions or their
//!   results, so a DropCatch order rests at "caught" until the lawyer records the auction's
//!   outcome and price on the channel (`auctions` asks nothing).
//!
//! Prerequisites on the firm's side (README): API access on the NameBright account, an API
//! application with the "Register Domains" permission, an IP whitelist, one sign-in at
//! DropCatch with the NameBright credentials.

use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;
use tokio::sync::Mutex;

use super::{
    Answer, AuctionReport, Called, CatchApi, CatchError, Exchange, Order, Outcome, Provider,
};

pub const API: &str = "https://www.dropcatch.com";
pub const AUTH: &str = "https://api.namebright.com";

/// DropCatch's answer when a name is not in pending delete yet: not a refusal, a "later".
const NOT_PENDING_DELETE: &str = "411.0";

/// A token is renewed this long before the expiry the service gave.
const TOKEN_MARGIN: Duration = Duration::from_secs(60);
/// A token without `expires_in` is kept this long.
const TOKEN_DEFAULT_LIFE: Duration = Duration::from_secs(15 * 60);

#[derive(Debug)]
struct Token {
    value: String,
    renew_at: Instant,
}

#[derive(Debug)]
pub struct DropCatch {
    http: reqwest::Client,
    api: String,
    auth: String,
    client_id: String,
    client_secret: String,
    /// `standard` or `discount` (DropCatch's routing codes; the discount club needs a
    /// membership, so the standard route is used).
    routing: &'static str,
    token: Mutex<Option<Token>>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackorderAnswer {
    #[serde(default)]
    results: Vec<BackorderResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BackorderResult {
    domain_name: String,
    #[serde(default)]
    success: bool,
    #[serde(default)]
    max_bid: Option<serde_json::Value>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    status_code: Option<serde_json::Value>,
}

/// A JSON string or number as text (`"411.0"` or `411.0`).
fn text_of(value: Option<&serde_json::Value>) -> String {
    match value {
        Some(serde_json::Value::String(s)) => s.trim().to_owned(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

impl DropCatch {
    pub fn new(
        http: reqwest::Client,
        api: String,
        auth: String,
        client_id: String,
        client_secret: String,
    ) -> Self {
        Self {
            http,
            api: api.trim_end_matches('/').to_owned(),
            auth: auth.trim_end_matches('/').to_owned(),
            client_id,
            client_secret,
            routing: "standard",
            token: Mutex::new(None),
        }
    }

    /// A token, from the cache or fetched (`fresh` forgets the cached one: the API said 401).
    async fn token(
        &self,
        fresh: bool,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<String, CatchError> {
        let mut cached = self.token.lock().await;
        if !fresh && let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let url = format!("{}/auth/token", self.auth);
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
        ];
        let shown = format!(
            "POST {url}\ngrant_type=client_credentials&client_id={}&client_secret=[redacted]",
            self.client_id
        );
        let request = self.http.post(&url).form(&form);
        let (status, body) =
            super::exchange(Provider::DropCatch, "token", shown, request, exchanges).await?;
        match status {
            200..=299 => {}
            400 | 401 | 403 => {
                return Err(CatchError::Unauthorized {
                    provider: Provider::DropCatch,
                    message: format!(
                        "NameBright refused the token request (HTTP {status}): check the client_id (account:application), the secret, the application's \"Register Domains\" permission and the IP whitelist"
                    ),
                });
            }
            _ => {
                return Err(CatchError::Server {
                    provider: Provider::DropCatch,
                    status,
                });
            }
        }
        let answer: TokenAnswer =
            serde_json::from_str(&body).map_err(|e| CatchError::Unreadable {
                provider: Provider::DropCatch,
                message: format!("the token answer has no access_token ({e})"),
            })?;
        let life = answer
            .expires_in
            .map_or(TOKEN_DEFAULT_LIFE, Duration::from_secs);
        let renew_at = Instant::now() + life.saturating_sub(TOKEN_MARGIN);
        *cached = Some(Token {
            value: answer.access_token.clone(),
            renew_at,
        });
        Ok(answer.access_token)
    }

    /// Posts `body` to the backorder API with a token; on 401 the token is fetched again once
    /// (it may have expired early) and the call repeated once.
    async fn call(
        &self,
        action: &'static str,
        path: &str,
        body: serde_json::Value,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Vec<BackorderResult>, CatchError> {
        let url = format!("{}{path}", self.api);
        for attempt in 0..2 {
            let token = self.token(attempt > 0, exchanges).await?;
            let shown = format!("POST {url}\nAuthorization: Bearer [redacted]\n{body}");
            let request = self.http.post(&url).bearer_auth(&token).json(&body);
            let (status, text) =
                super::exchange(Provider::DropCatch, action, shown, request, exchanges).await?;
            match status {
                200..=299 => {
                    let answer: BackorderAnswer =
                        serde_json::from_str(&text).map_err(|e| CatchError::Unreadable {
                            provider: Provider::DropCatch,
                            message: e.to_string(),
                        })?;
                    return Ok(answer.results);
                }
                401 if attempt == 0 => continue,
                401 | 403 => {
                    return Err(CatchError::Unauthorized {
                        provider: Provider::DropCatch,
                        message: format!(
                            "DropCatch refused the token (HTTP {status}): sign in once at DropCatch with the NameBright account, and check the API application's permission"
                        ),
                    });
                }
                400..=499 => {
                    return Err(CatchError::Refused {
                        provider: Provider::DropCatch,
                        message: format!(
                            "HTTP {status}: {}",
                            text.chars().take(300).collect::<String>()
                        ),
                    });
                }
                _ => {
                    return Err(CatchError::Server {
                        provider: Provider::DropCatch,
                        status,
                    });
                }
            }
        }
        Err(CatchError::Unauthorized {
            provider: Provider::DropCatch,
            message: "the token was refused twice".to_owned(),
        })
    }

    /// One answer per name asked: what DropCatch said, or, for a name it did not mention, that
    /// it said nothing (refused, so that nobody counts on it).
    fn answers(asked: &[String], results: Vec<BackorderResult>, cancelling: bool) -> Vec<Answer> {
        asked
            .iter()
            .map(|domain| {
                let Some(r) = results
                    .iter()
                    .find(|r| r.domain_name.trim().eq_ignore_ascii_case(domain))
                else {
                    return Answer {
                        domain: domain.clone(),
                        outcome: Outcome::Refused {
                            message: "DropCatch's answer did not mention this name".to_owned(),
                            code: String::new(),
                        },
                    };
                };
                let code = text_of(r.status_code.as_ref());
                let message = r.message.trim().to_owned();
                let outcome = if r.success && cancelling {
                    Outcome::Cancelled { message }
                } else if r.success {
                    Outcome::Placed {
                        max_bid_minor: crate::model::money::parse_amount(&text_of(
                            r.max_bid.as_ref(),
                        ))
                        .ok(),
                        message,
                    }
                } else if code == NOT_PENDING_DELETE && !cancelling {
                    Outcome::NotYet { message }
                } else {
                    Outcome::Refused { message, code }
                };
                Answer {
                    domain: domain.clone(),
                    outcome,
                }
            })
            .collect()
    }
}

impl CatchApi for DropCatch {
    /// Nothing to ask: the API documents no auction results (module notes).
    async fn auctions(
        &self,
        _domains: &[String],
        _since: chrono::NaiveDate,
    ) -> Called<Vec<AuctionReport>> {
        Called {
            result: Ok(Vec::new()),
            exchanges: Vec::new(),
        }
    }

    async fn verify(&self) -> Called<()> {
        let mut exchanges = Vec::new();
        let result = self.token(true, &mut exchanges).await.map(|_| ());
        Called { result, exchanges }
    }

    async fn place(&self, orders: &[Order]) -> Called<Vec<Answer>> {
        let mut exchanges = Vec::new();
        let domains: Vec<String> = orders
            .iter()
            .map(|o| match o.max_bid_minor {
                Some(bid) => format!("{},{}", o.domain, super::decimal(bid)),
                None => o.domain.clone(),
            })
            .collect();
        let body = json!({ "domains": domains, "routingCode": self.routing });
        let asked: Vec<String> = orders.iter().map(|o| o.domain.clone()).collect();
        let result = self
            .call(
                "place",
                "/api/BackorderDomainsApi/BackOrderDomains",
                body,
                &mut exchanges,
            )
            .await
            .map(|results| Self::answers(&asked, results, false));
        Called { result, exchanges }
    }

    async fn cancel(&self, domains: &[String]) -> Called<Vec<Answer>> {
        let mut exchanges = Vec::new();
        let result = self
            .call(
                "cancel",
                "/api/BackorderDomainsApi/CancelBackOrders",
                json!(domains),
                &mut exchanges,
            )
            .await
            .map(|results| Self::answers(domains, results, true));
        Called { result, exchanges }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn results(json: &str) -> Vec<BackorderResult> {
        serde_json::from_str::<BackorderAnswer>(json)
            .unwrap()
            .results
    }

    /// NameBright's README, "Example Responses": success and partial failure.
    #[test]
    fn the_documented_answers_read_name_by_name() {
        let partial = r#"{"someErrors": true, "results": [
            {"domainName": "Foo.com", "success": false, "maxBid": "0.00",
             "message": "Foo.com is not in pending delete status.", "statusCode": "411.0"},
            {"domainName": "TestDomain3.com", "success": true, "maxBid": "59.00",
             "message": "Backorder Accepted", "statusCode": "200.1"}]}"#;
        let asked = vec![
            "foo.com".to_owned(),
            "testdomain3.com".to_owned(),
            "unmentioned.com".to_owned(),
        ];
        let answers = DropCatch::answers(&asked, results(partial), false);
        assert_eq!(
            answers[0].outcome,
            Outcome::NotYet {
                message: "Foo.com is not in pending delete status.".into()
            }
        );
        assert_eq!(
            answers[1].outcome,
            Outcome::Placed {
                max_bid_minor: Some(5900),
                message: "Backorder Accepted".into()
            }
        );
        assert!(matches!(answers[2].outcome, Outcome::Refused { .. }));

        // A refusal other than "not in pending delete", with a numeric code.
        let refused = r#"{"someErrors": true, "results": [
            {"domainName": "x.dk", "success": false, "maxBid": 0,
             "message": "TLD not supported", "statusCode": 400.2}]}"#;
        let answers = DropCatch::answers(&["x.dk".to_owned()], results(refused), false);
        assert_eq!(
            answers[0].outcome,
            Outcome::Refused {
                message: "TLD not supported".into(),
                code: "400.2".into()
            }
        );
    }
}
