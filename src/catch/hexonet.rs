//! HEXONET's backorders (HEXONET, now part of CentralNic Reseller; its API is called "ISPAPI"),
//! through HEXONET's documented plain-text API:
//!
//! - Gateway: `POST https://api.ispapi.net/api/call.cgi` (the OT&E test system:
//!   `https://api-ote.ispapi.net/api/call.cgi`), form fields `s_entity` (`54cd` live, `1234`
//!   OT&E), `s_login`, `s_pw` and `s_command`, the command as `KEY=VALUE` lines (HEXONET's SDK,
//!   github.com/centralnicgroup-opensource/rtldev-middleware-python-sdk,
//!   `hexonet/apiconnector/apiclient.py`: `ISPAPI_CONNECTION_URL_LIVE`/`_OTE`, `getPOSTData`,
//!   `useOTESystem`; `socketconfig.py`). A role user logs in as `account!role`
//!   (`setRoleCredentials`).
//! - Backorders are domain applications of class `BACKORDER` (HEXONET API documentation,
//!   github.com/centralnicgroup-public/hexonet-api-documentation, `API/DOMAIN/APPLICATION/`):
//!   `AddDomainApplication` (`CLASS=BACKORDER`, `DOMAIN`, optional `OWNERCONTACT0` …; the answer
//!   names the application: `PROPERTY[APPLICATION][0] = 10700`, `PROPERTY[CLASS][0] =
//!   COM_BACKORDER`, `PROPERTY[STATUS][0] = REQUESTED`), `QueryDomainApplicationList`
//!   (`DOMAIN`, `CLASS` patterns, `LIMIT`; `PROPERTY[APPLICATION][n]`, `PROPERTY[STATUS][n]`),
//!   `DeleteDomainApplication` (`APPLICATION`). HEXONET's own WHMCS backorder module places them
//!   the same way (github.com/centralnicgroup-opensource/rtldev-middleware-whmcs-ispapi-backorder,
//!   `crons/batch_processing_application.php`, `crons/batch_polling.php`).
//! - Answer: plain text, `[RESPONSE]`, `CODE = 200`, `DESCRIPTION = Command completed
//!   successfully`, `PROPERTY[NAME][i] = value` lines, `EOF`; `KEY=value` without spaces is the
//!   same (the SDK's `responseparser.py`). Codes 2xx: success; 4xx: a temporary error, try again
//!   (420, 421, 423 "Command failed due to server error. Client should try again"); 5xx: an
//!   error (the SDK's `isSuccess`, `isTmpError`, `isError`): 530 "Authentication failed", 531
//!   "Authorization failed", 540 "Attribute value is not unique", 541 "Invalid attribute
//!   value", 545 "Object not found", 546 "Credit limit exceeded", 549 "Command failed", 552
//!   "Object status does not allow for operation" (the commands' RESPONSE tables).
//!
//! The documentation sets no earliest time: `AddDomainApplication` creates the application
//! `REQUESTED` whenever asked (its example), so reclaim places it at once. (HEXONET's WHMCS
//! module sends it only within 3 days of the drop date, after charging its own customer:
//! `crons/batch_requested_active.php`; that is the reseller's billing, not the API's rule.) The
//! price is HEXONET's per TLD: no bid is sent. One command per name, one after the other.
//!
//! Auctions: when several of HEXONET's customers backordered a caught name, the application goes
//! to auction; `StatusDomainApplication` (`APPLICATION`) gives its `STATUS` (`AUCTION-PENDING`,
//! `AUCTION-WON`, `AUCTION-LOST`, or `SUCCESSFUL` for a name registered without auction: the
//! statuses HEXONET's WHMCS module reads, `crons/batch_polling.php`) and `AUCTION-BESTBID`,
//! `AUCTION-PRICE` ("Final price if AUCTION-STATUS is AUCTION-WON"), `AUCTION-CURRENCY`,
//! `AUCTION-URL` (STATUSDOMAINAPPLICATION.md). The application is found by name with
//! `QueryDomainApplicationList`, as for cancelling.
//!
//! The password travels in the form body, as the API requires: the timeline shows it as
//! `[redacted]`.

use std::collections::BTreeMap;

use super::{
    Answer, AuctionNews, AuctionReport, Called, CatchApi, CatchError, Exchange, Order, Outcome,
    Provider,
};

/// HEXONET's live system; its path is `/api/call.cgi`.
pub const API: &str = "https://api.ispapi.net";
/// HEXONET's OT&E (test) system.
pub const OTE: &str = "https://api-ote.ispapi.net";
const PATH: &str = "/api/call.cgi";

/// The application class of a backorder.
const BACKORDER: &str = "BACKORDER";
/// Applications that ended: nothing left to cancel (statuses HEXONET's module reads with
/// `StatusDomainApplication`).
const ENDED: [&str; 4] = ["SUCCESSFUL", "FAILED", "AUCTION-WON", "AUCTION-LOST"];

#[derive(Debug)]
pub struct Hexonet {
    http: reqwest::Client,
    api: String,
    /// `s_entity`: `1234` on the OT&E system, `54cd` otherwise.
    entity: &'static str,
    login: String,
    password: String,
    /// A contact handle the caught name is registered with, when the firm gave one.
    contact: Option<String>,
}

/// What an answer said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub code: u16,
    pub description: String,
    /// `PROPERTY[NAME][i]`, by upper-case name, in the order of `i`.
    properties: BTreeMap<String, BTreeMap<usize, String>>,
}

impl Response {
    /// The values of a property, in order.
    pub fn property(&self, name: &str) -> Vec<&str> {
        self.properties
            .get(&name.to_ascii_uppercase())
            .map(|values| values.values().map(String::as_str).collect())
            .unwrap_or_default()
    }

    pub fn first(&self, name: &str) -> Option<&str> {
        self.property(name)
            .into_iter()
            .next()
            .filter(|v| !v.is_empty())
    }

    pub fn is_success(&self) -> bool {
        self.code / 100 == 2
    }

    /// "Client should try again".
    pub fn is_temporary(&self) -> bool {
        self.code / 100 == 4
    }

    /// `530 Authentication failed`, as the service says it.
    fn said(&self) -> String {
        format!("{} {}", self.code, self.description)
    }
}

/// Reads an answer: its `CODE`, `DESCRIPTION` and properties. An answer without a code is not
/// HEXONET's.
pub(crate) fn read_response(body: &str) -> Result<Response, String> {
    let mut code = None;
    let mut description = String::new();
    let mut properties: BTreeMap<String, BTreeMap<usize, String>> = BTreeMap::new();
    for line in body.lines().map(str::trim) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key.eq_ignore_ascii_case("CODE") {
            code = Some(
                value
                    .parse::<u16>()
                    .ok()
                    .filter(|c| (100..1000).contains(c))
                    .ok_or_else(|| format!("the code '{}' is not a number", clip(value)))?,
            );
        } else if key.eq_ignore_ascii_case("DESCRIPTION") {
            description = value.to_owned();
        } else if let Some((name, index)) = property_key(key) {
            properties
                .entry(name)
                .or_default()
                .insert(index, value.to_owned());
        }
    }
    let code = code.ok_or_else(|| "no CODE line: not an ISPAPI answer".to_owned())?;
    Ok(Response {
        code,
        description,
        properties,
    })
}

/// `PROPERTY[APPLICATION][0]` → (`APPLICATION`, 0).
fn property_key(key: &str) -> Option<(String, usize)> {
    let rest = key
        .get(..9)
        .filter(|p| p.eq_ignore_ascii_case("PROPERTY["))
        .map(|_| &key[9..])?;
    let (name, rest) = rest.split_once(']')?;
    let index = rest
        .strip_prefix('[')?
        .strip_suffix(']')?
        .trim()
        .parse()
        .ok()?;
    Some((name.trim().to_ascii_uppercase(), index))
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The system entity for an endpoint: the OT&E host takes `1234`, every other `54cd`
/// (the SDK's `useOTESystem`/`useLIVESystem`).
pub(crate) fn entity_for(api: &str) -> &'static str {
    let ote_host = OTE.trim_start_matches("https://");
    match reqwest::Url::parse(api) {
        Ok(url) if url.host_str() == Some(ote_host) => "1234",
        _ => "54cd",
    }
}

/// A value for a command line: no line break may end the line early (a name and a handle are
/// checked before; this is the last guard).
fn one_line(value: &str) -> String {
    value.replace(['\r', '\n'], "")
}

impl Hexonet {
    pub fn new(
        http: reqwest::Client,
        api: String,
        login: String,
        password: String,
        contact: Option<String>,
    ) -> Self {
        let api = api.trim_end_matches('/').to_owned();
        Self {
            http,
            entity: entity_for(&api),
            api,
            login,
            password,
            contact,
        }
    }

    /// Sends one command; its answer, or why there is none (the account refused, the service
    /// failed or said to try again later).
    async fn command(
        &self,
        action: &'static str,
        params: &[(&str, String)],
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Response, CatchError> {
        let url = format!("{}{PATH}", self.api);
        let command = params
            .iter()
            .map(|(k, v)| format!("{k}={}", one_line(v)))
            .collect::<Vec<_>>()
            .join("\n");
        let form = [
            ("s_entity", self.entity),
            ("s_login", self.login.as_str()),
            ("s_pw", self.password.as_str()),
            ("s_command", command.as_str()),
        ];
        let shown = format!(
            "POST {url}\ns_entity={}&s_login={}&s_pw=[redacted]&s_command=\n{command}",
            self.entity, self.login
        );
        let request = self.http.post(&url).form(&form);
        let (status, body) =
            super::exchange(Provider::Hexonet, action, shown, request, exchanges).await?;
        super::http_status(
            Provider::Hexonet,
            status,
            "check the IP filter of the HEXONET account (its control panel)",
        )?;
        let response = read_response(&body).map_err(|message| CatchError::Unreadable {
            provider: Provider::Hexonet,
            message,
        })?;
        match response.code {
            530 | 531 => Err(CatchError::Unauthorized {
                provider: Provider::Hexonet,
                message: format!(
                    "{}: check the login (the account, or a role user as account!role allowed the domain application commands), the password, the account's IP filter, and that two-factor authentication is off for this user",
                    response.said()
                ),
            }),
            // "Client should try again": the service failed, not the request.
            _ if response.is_temporary() => Err(CatchError::Unreachable {
                provider: Provider::Hexonet,
                message: format!("it answered {}", response.said()),
            }),
            _ => Ok(response),
        }
    }

    /// The contact handle as owner, admin, tech and billing contact of the application.
    fn contacts(&self) -> Vec<(&'static str, String)> {
        self.contact
            .iter()
            .flat_map(|handle| {
                [
                    "OWNERCONTACT0",
                    "ADMINCONTACT0",
                    "TECHCONTACT0",
                    "BILLINGCONTACT0",
                ]
                .map(|key| (key, handle.clone()))
            })
            .collect()
    }

    /// One name: places its backorder application.
    async fn place_one(
        &self,
        domain: &str,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Outcome, CatchError> {
        let mut params = vec![
            ("COMMAND", "AddDomainApplication".to_owned()),
            ("CLASS", BACKORDER.to_owned()),
            ("DOMAIN", domain.to_owned()),
        ];
        params.extend(self.contacts());
        let response = self.command("place", &params, exchanges).await?;
        Ok(placed(&response))
    }

    /// One name: deletes its open backorder applications (found by name: the API deletes by
    /// application id).
    async fn cancel_one(
        &self,
        domain: &str,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Outcome, CatchError> {
        let params = [
            ("COMMAND", "QueryDomainApplicationList".to_owned()),
            ("DOMAIN", domain.to_owned()),
            ("CLASS", format!("*{BACKORDER}")),
        ];
        let list = self.command("list", &params, exchanges).await?;
        if !list.is_success() {
            return Ok(Outcome::Refused {
                message: list.description.clone(),
                code: list.code.to_string(),
            });
        }
        let open = open_applications(&list);
        if open.is_empty() {
            return Ok(Outcome::Cancelled {
                message: format!("No open backorder application for {domain} on the account"),
            });
        }
        let mut deleted = Vec::new();
        for application in open {
            let params = [
                ("COMMAND", "DeleteDomainApplication".to_owned()),
                ("APPLICATION", application.clone()),
            ];
            let response = self.command("cancel", &params, exchanges).await?;
            // 545: gone already, which is what was asked.
            if !(response.is_success() || response.code == 545) {
                return Ok(Outcome::Refused {
                    message: response.description.clone(),
                    code: response.code.to_string(),
                });
            }
            deleted.push(application);
        }
        Ok(Outcome::Cancelled {
            message: format!("Backorder application {} deleted", deleted.join(", ")),
        })
    }

    /// Places (or cancels) each name in turn. When the account or the service fails, the names
    /// not yet asked are not answered: the whole call fails.
    async fn name_by_name(&self, domains: &[String], cancelling: bool) -> Called<Vec<Answer>> {
        let mut exchanges = Vec::new();
        let mut answers = Vec::with_capacity(domains.len());
        for domain in domains {
            let result = if cancelling {
                self.cancel_one(domain, &mut exchanges).await
            } else {
                self.place_one(domain, &mut exchanges).await
            };
            match result {
                Ok(outcome) => answers.push(Answer {
                    domain: domain.clone(),
                    outcome,
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

/// What `StatusDomainApplication` says of a caught name's auction; `None` while there is none
/// (requested, active, processing, failed).
pub(crate) fn auction_news(status: &Response) -> Option<AuctionNews> {
    let amount = |name: &str| {
        status
            .first(name)
            .and_then(|a| crate::model::money::parse_amount(a).ok())
    };
    let currency = status.first("AUCTION-CURRENCY").unwrap_or_default();
    let said = |what: &str, price: Option<i64>| match price {
        Some(p) => format!("{what} ({} {currency})", super::decimal(p)).replace(" )", ")"),
        None => what.to_owned(),
    };
    let state = status.first("STATUS")?.to_ascii_uppercase();
    match state.as_str() {
        "AUCTION-PENDING" => {
            let bid = amount("AUCTION-BESTBID");
            Some(AuctionNews::Open {
                price_minor: bid,
                message: said("HEXONET's auction is running, best bid", bid),
            })
        }
        "AUCTION-WON" => {
            let price = amount("AUCTION-PRICE");
            Some(AuctionNews::Won {
                price_minor: price,
                message: said("Auction won at HEXONET", price),
            })
        }
        "AUCTION-LOST" => Some(AuctionNews::Lost {
            price_minor: amount("AUCTION-BESTBID"),
            message: "Auction lost at HEXONET: another backorderer got the name".to_owned(),
        }),
        "SUCCESSFUL" => Some(AuctionNews::Won {
            price_minor: None,
            message: "Registered in the account by HEXONET, without auction".to_owned(),
        }),
        _ => None,
    }
}

/// What `AddDomainApplication` said about a name: placed (540: an application for it stands
/// already, which is what was asked), or refused with HEXONET's words and code.
pub(crate) fn placed(response: &Response) -> Outcome {
    if response.is_success() {
        let message = match (response.first("APPLICATION"), response.first("STATUS")) {
            (Some(id), Some(status)) => format!(
                "{} (backorder application {id}, {status})",
                response.description
            ),
            (Some(id), None) => format!("{} (backorder application {id})", response.description),
            _ => response.description.clone(),
        };
        Outcome::Placed {
            max_bid_minor: None,
            message,
        }
    } else if response.code == 540 {
        Outcome::Placed {
            max_bid_minor: None,
            message: format!(
                "{} (an application for the name stands)",
                response.description
            ),
        }
    } else {
        Outcome::Refused {
            message: response.description.clone(),
            code: response.code.to_string(),
        }
    }
}

/// The listed applications not ended yet, by id (ids are HEXONET's numbers; anything else is
/// not sent back to it).
pub(crate) fn open_applications(list: &Response) -> Vec<String> {
    let statuses = list.property("STATUS");
    list.property("APPLICATION")
        .into_iter()
        .enumerate()
        .filter(|(_, id)| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()))
        .filter(|(i, _)| {
            statuses
                .get(*i)
                .is_none_or(|s| !ENDED.iter().any(|e| e.eq_ignore_ascii_case(s)))
        })
        .map(|(_, id)| id.to_owned())
        .collect()
}

impl Hexonet {
    /// One name: the auction news of its latest backorder application, if any.
    async fn auction_of(
        &self,
        domain: &str,
        exchanges: &mut Vec<Exchange>,
    ) -> Result<Option<AuctionNews>, CatchError> {
        let params = [
            ("COMMAND", "QueryDomainApplicationList".to_owned()),
            ("DOMAIN", domain.to_owned()),
            ("CLASS", format!("*{BACKORDER}")),
        ];
        let list = self.command("list", &params, exchanges).await?;
        // The newest application (HEXONET's ids grow); a refused list says nothing.
        let Some(application) = list
            .property("APPLICATION")
            .into_iter()
            .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_digit()))
            .max_by_key(|id| id.parse::<u64>().unwrap_or(0))
            .map(str::to_owned)
            .filter(|_| list.is_success())
        else {
            return Ok(None);
        };
        let params = [
            ("COMMAND", "StatusDomainApplication".to_owned()),
            ("APPLICATION", application),
        ];
        let status = self.command("auctions", &params, exchanges).await?;
        Ok(status.is_success().then(|| auction_news(&status)).flatten())
    }
}

impl CatchApi for Hexonet {
    async fn auctions(
        &self,
        domains: &[String],
        _since: chrono::NaiveDate,
    ) -> Called<Vec<AuctionReport>> {
        let mut exchanges = Vec::new();
        let mut reports = Vec::new();
        for domain in domains {
            match self.auction_of(domain, &mut exchanges).await {
                Ok(Some(news)) => reports.push(AuctionReport {
                    domain: domain.clone(),
                    news,
                }),
                Ok(None) => {}
                Err(e) => {
                    return Called {
                        result: Err(e),
                        exchanges,
                    };
                }
            }
        }
        Called {
            result: Ok(reports),
            exchanges,
        }
    }

    async fn verify(&self) -> Called<()> {
        let mut exchanges = Vec::new();
        let params = [
            ("COMMAND", "QueryDomainApplicationList".to_owned()),
            ("LIMIT", "1".to_owned()),
        ];
        let result = match self.command("list", &params, &mut exchanges).await {
            Ok(response) if response.is_success() => Ok(()),
            Ok(response) => Err(CatchError::Refused {
                provider: Provider::Hexonet,
                message: response.said(),
            }),
            Err(e) => Err(e),
        };
        Called { result, exchanges }
    }

    async fn place(&self, orders: &[Order]) -> Called<Vec<Answer>> {
        let domains: Vec<String> = orders.iter().map(|o| o.domain.clone()).collect();
        self.name_by_name(&domains, false).await
    }

    async fn cancel(&self, domains: &[String]) -> Called<Vec<Answer>> {
        self.name_by_name(domains, true).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documentation's examples (API/DOMAIN/APPLICATION/*.md, "Example … Response"), the
    /// SDK's spacing-free form, and answers that are not HEXONET's.
    #[test]
    fn answers_read_with_their_code_description_and_properties() {
        let add = "[RESPONSE]\nCODE = 200\nDESCRIPTION = Command completed successfully\n\
                   PROPERTY[APPLICATION][0] = 10700\nPROPERTY[AUTH][0] = ew1,2*YGvEV1\n\
                   PROPERTY[CLASS][0] = COM_BACKORDER\nPROPERTY[DOMAIN][0] = hexonet-application.com\n\
                   PROPERTY[PEERUSER][0] =\nPROPERTY[STATUS][0] = REQUESTED\nEOF\n";
        let r = read_response(add).unwrap();
        assert_eq!(
            (r.code, r.description.as_str()),
            (200, "Command completed successfully")
        );
        assert_eq!(r.first("application"), Some("10700"));
        assert_eq!(r.first("AUTH"), Some("ew1,2*YGvEV1"));
        assert_eq!(r.first("PEERUSER"), None, "empty");
        assert_eq!(
            placed(&r),
            Outcome::Placed {
                max_bid_minor: None,
                message: "Command completed successfully (backorder application 10700, REQUESTED)"
                    .into()
            }
        );

        // The WHMCS registrar README's StatusAccount answer: no spaces, CRLF, extra lines.
        let compact = "[RESPONSE]\r\nPROPERTY[AMOUNT][0]=9902.03\r\nDESCRIPTION=Command completed successfully\r\nCODE=200\r\n\r\nQUEUETIME=0\r\nRUNTIME=0.004\r\n\r\nEOF\r\n";
        let r = read_response(compact).unwrap();
        assert_eq!((r.code, r.first("AMOUNT")), (200, Some("9902.03")));

        // (answer, Ok((code, description)) or Err)
        type Case<'a> = (&'a str, Result<(u16, &'a str), ()>);
        let cases: Vec<Case> = vec![
            (
                "[RESPONSE]\ncode = 530\ndescription = Authentication failed\nEOF",
                Ok((530, "Authentication failed")),
            ),
            (
                "[RESPONSE]\nCODE = 421\nDESCRIPTION = Command failed due to server error. Client should try again\nEOF",
                Ok((
                    421,
                    "Command failed due to server error. Client should try again",
                )),
            ),
            ("<html><body>Bad Gateway</body></html>", Err(())),
            ("[RESPONSE]\nDESCRIPTION = no code\nEOF", Err(())),
            ("[RESPONSE]\nCODE = abc\nEOF", Err(())),
            ("", Err(())),
        ];
        for (body, expected) in cases {
            let got = read_response(body)
                .map(|r| (r.code, r.description))
                .map_err(|_| ());
            assert_eq!(got, expected.map(|(c, d)| (c, d.to_owned())), "{body}");
        }
    }

    /// AddDomainApplication's documented codes, as outcomes.
    #[test]
    fn placing_answers_become_outcomes() {
        let answer = |code: u16, description: &str| Response {
            code,
            description: description.into(),
            properties: BTreeMap::new(),
        };
        let cases: Vec<(Response, Outcome)> = vec![
            (
                answer(200, "Command completed successfully"),
                Outcome::Placed {
                    max_bid_minor: None,
                    message: "Command completed successfully".into(),
                },
            ),
            (
                answer(540, "Attribute value is not unique"),
                Outcome::Placed {
                    max_bid_minor: None,
                    message: "Attribute value is not unique (an application for the name stands)"
                        .into(),
                },
            ),
            (
                answer(541, "Invalid attribute value; domain class not supported"),
                Outcome::Refused {
                    message: "Invalid attribute value; domain class not supported".into(),
                    code: "541".into(),
                },
            ),
            (
                answer(546, "Credit limit exceeded"),
                Outcome::Refused {
                    message: "Credit limit exceeded".into(),
                    code: "546".into(),
                },
            ),
        ];
        for (response, expected) in cases {
            assert_eq!(placed(&response), expected, "{}", response.code);
        }
    }

    /// QueryDomainApplicationList's documented example, with an ended application added.
    #[test]
    fn only_open_applications_are_deleted() {
        let list = "[RESPONSE]\nCODE = 200\nDESCRIPTION = Command completed successfully\n\
                    PROPERTY[APPLICATION][0] = 10698\nPROPERTY[APPLICATION][1] = 10699\n\
                    PROPERTY[APPLICATION][2] = 10650\nPROPERTY[APPLICATION][3] = 1;x\n\
                    PROPERTY[STATUS][0] = REQUESTED\nPROPERTY[STATUS][1] = ACTIVE\n\
                    PROPERTY[STATUS][2] = FAILED\nPROPERTY[STATUS][3] = ACTIVE\nEOF";
        let r = read_response(list).unwrap();
        assert_eq!(open_applications(&r), ["10698", "10699"]);
    }

    /// StatusDomainApplication's documented properties, per status.
    #[test]
    fn auction_statuses_become_news() {
        let status = |lines: &str| {
            read_response(&format!(
                "[RESPONSE]\nCODE = 200\nDESCRIPTION = Command completed successfully\n\
                 PROPERTY[APPLICATION][0] = 10699\nPROPERTY[CLASS][0] = COM_BACKORDER\n{lines}EOF"
            ))
            .unwrap()
        };
        let cases: Vec<(&str, Option<AuctionNews>)> = vec![
            ("PROPERTY[STATUS][0] = ACTIVE\n", None),
            ("PROPERTY[STATUS][0] = FAILED\n", None),
            (
                "PROPERTY[STATUS][0] = AUCTION-PENDING\nPROPERTY[AUCTION-BESTBID][0] = 120.00\n\
                 PROPERTY[AUCTION-CURRENCY][0] = USD\n",
                Some(AuctionNews::Open {
                    price_minor: Some(12_000),
                    message: "HEXONET's auction is running, best bid (120.00 USD)".into(),
                }),
            ),
            (
                "PROPERTY[STATUS][0] = AUCTION-WON\nPROPERTY[AUCTION-PRICE][0] = 145.50\n\
                 PROPERTY[AUCTION-CURRENCY][0] = EUR\n",
                Some(AuctionNews::Won {
                    price_minor: Some(14_550),
                    message: "Auction won at HEXONET (145.50 EUR)".into(),
                }),
            ),
            (
                "PROPERTY[STATUS][0] = AUCTION-LOST\nPROPERTY[AUCTION-BESTBID][0] = 300.00\n",
                Some(AuctionNews::Lost {
                    price_minor: Some(30_000),
                    message: "Auction lost at HEXONET: another backorderer got the name".into(),
                }),
            ),
            (
                "PROPERTY[STATUS][0] = SUCCESSFUL\n",
                Some(AuctionNews::Won {
                    price_minor: None,
                    message: "Registered in the account by HEXONET, without auction".into(),
                }),
            ),
        ];
        for (lines, expected) in cases {
            assert_eq!(auction_news(&status(lines)), expected, "{lines}");
        }
    }

    #[test]
    fn the_test_system_has_its_own_entity() {
        assert_eq!(entity_for(API), "54cd");
        assert_eq!(entity_for(OTE), "1234");
        assert_eq!(entity_for("https://api-ote.ispapi.net/"), "1234");
        assert_eq!(entity_for("http://127.0.0.1:4000"), "54cd");
    }
}
