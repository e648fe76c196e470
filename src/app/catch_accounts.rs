//! The firm's accounts at catch services with an API (administrators): connecting one checks the
//! credentials with one harmless call to the service before anything is kept, and seals them
//! (`auth::sealed`); no answer, page, log or audit entry ever carries them.

use std::time::Duration;

use serde::Deserialize;

use crate::app::access::{Caller, Principal};
use crate::app::backorders::AmountInput;
use crate::auth::sealed;
use crate::catch::{CatchApi, CatchError, Credentials, Endpoints, Exchange, Provider, Service};
use crate::db::DbError;
use crate::error::{AppError, FieldErrors};
use crate::model::catch_account::CatchAccount;
use crate::model::ids::CatchAccountId;
use crate::model::money::Currency;
use crate::model::paging::{Page, PageRequest};
use crate::repo::catch_accounts::{self, AccountChange, NewCatchAccount};
use crate::state::AppState;

/// How long reclaim waits for a catch service's answer.
pub const SERVICE_TIMEOUT: Duration = Duration::from_secs(20);

/// A new account, as the API takes it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CatchAccountInput {
    /// The catch service: `dropcatch`, `dynadot` (backorders), `dynadot_register` (a direct
    /// catch: the firm's Dynadot account registers the name at its release), `hexonet`
    /// (backorders) or `epp` (a direct catch through the firm's or a partner's registry access
    /// over EPP).
    #[schema(schema_with = crate::catch::provider_schema)]
    pub provider: String,
    /// The firm's name for the account, unique per provider.
    pub label: String,
    /// The service's API; blank: the provider's production URL. A provider's sandbox or a local
    /// server may be given: it is configuration, trusted as set. EPP: the registry's server as
    /// `host:port` (port 700 when left out), required.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// DropCatch: NameBright's token endpoint; blank: `https://api.namebright.com`.
    #[serde(default)]
    pub auth_endpoint: Option<String>,
    /// DropCatch: `{"client_id": "account:application", "client_secret": "…"}`; Dynadot:
    /// `{"api_key": "…"}`; HEXONET: `{"login": "account" or "account!role", "password": "…",
    /// "contact": "P-ABC123"}` (the contact handle is optional); EPP: `{"client_id": "…",
    /// "password": "…", "certificate_pem": "-----BEGIN CERTIFICATE-----…" (the client
    /// certificate, then its intermediates), "private_key_pem": "-----BEGIN PRIVATE KEY-----…",
    /// "ca_pem": "…" (optional: the registry's own CA), "registrant": "FIRM-0042" (the firm's
    /// contact handle at the registry)}`. Never returned.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub credentials: serde_json::Value,
    /// The most reclaim bids on one name through this account, whatever a client allows.
    #[serde(default)]
    pub max_bid_per_name: AmountInput,
    /// The most reclaim commits through this account in a calendar month.
    #[serde(default)]
    pub monthly_limit: AmountInput,
    /// ISO 4217 code of the amounts; default USD, the services' currency.
    #[serde(default)]
    pub currency: String,
}

/// A change to an account, as the API takes it; what is left out stays as it is.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CatchAccountChange {
    /// New credentials (the provider's fields, as when connecting): checked with one call to the
    /// service and kept only if it accepts them. Never returned.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub credentials: Option<serde_json::Value>,
    /// An empty text removes the limit.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub max_bid_per_name: Option<AmountInput>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub monthly_limit: Option<AmountInput>,
    /// `false`: staff can no longer put backorders on it (refused while orders are open on it).
    #[serde(default)]
    pub active: Option<bool>,
}

/// An http(s) URL, as an endpoint must be.
fn endpoint_of(
    given: Option<&str>,
    default: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
) -> Option<String> {
    let text = given.map(str::trim).filter(|t| !t.is_empty()).or(default)?;
    match reqwest::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host().is_some() => {
            Some(text.trim_end_matches('/').to_owned())
        }
        _ => {
            errors.add(
                field,
                format!(
                    "'{}' is not a web address: give the service's API as https://host[/path], or leave it blank for the provider's own.",
                    text.chars().take(80).collect::<String>()
                ),
            );
            None
        }
    }
}

/// Connects an account: checks the input, makes one call to the service with the credentials,
/// and keeps the account only if the service accepted them.
pub async fn create(
    state: &AppState,
    caller: &Caller,
    input: CatchAccountInput,
) -> Result<CatchAccount, AppError> {
    caller.require_admin()?;
    let mut errors = FieldErrors::default();
    let provider = Provider::parse(&input.provider)
        .map_err(|e| errors.add("provider", e.to_string()))
        .ok();
    let label = input.label.trim().to_owned();
    if label.is_empty() || label.chars().count() > 80 {
        errors.add("label", "Give the account a name of at most 80 characters, such as \"DropCatch – firm account\".");
    }
    let credentials = provider.and_then(|p| {
        Credentials::for_provider(p, &input.credentials)
            .map_err(|e| errors.add("credentials", e.to_string()))
            .ok()
    });
    let endpoint = provider.and_then(|p| match p {
        // A registry's EPP server: host and port, no default.
        Provider::Epp => {
            match input.endpoint.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => {
                    errors.add(
                        "endpoint",
                        "EPP needs the registry's server: give its host and port, such as epp.registry.example:700.",
                    );
                    None
                }
                Some(text) => crate::catch::epp::parse_server(text)
                    .map(|(host, port)| crate::catch::epp::endpoint(&host, port))
                    .map_err(|e| errors.add("endpoint", e))
                    .ok(),
            }
        }
        _ => endpoint_of(
            input.endpoint.as_deref(),
            p.default_endpoint(),
            "endpoint",
            &mut errors,
        ),
    });
    let auth_endpoint = provider.and_then(|p| {
        endpoint_of(
            input.auth_endpoint.as_deref(),
            p.default_auth_endpoint(),
            "auth_endpoint",
            &mut errors,
        )
    });
    let max_bid = input
        .max_bid_per_name
        .parse()
        .map_err(|e| errors.add("max_bid_per_name", e))
        .ok();
    let monthly = input
        .monthly_limit
        .parse()
        .map_err(|e| errors.add("monthly_limit", e))
        .ok();
    // The services bill in US dollars: that is the default here, not the firm's.
    let currency = Currency::parse(if input.currency.trim().is_empty() {
        "USD"
    } else {
        &input.currency
    })
    .map_err(|e| errors.add("currency", e))
    .ok();
    errors.check()?;
    let (
        Some(provider),
        Some(credentials),
        Some(endpoint),
        Some(max_bid),
        Some(monthly),
        Some(currency),
    ) = (provider, credentials, endpoint, max_bid, monthly, currency)
    else {
        return Err(AppError::BadRequest(
            "The account could not be read.".to_owned(),
        ));
    };

    let id = CatchAccountId::new();
    let credentials_sealed = verify_and_seal(
        state,
        provider,
        Endpoints {
            api: endpoint.clone(),
            auth: auth_endpoint.clone(),
        },
        &credentials,
        &id,
    )
    .await?;
    let new = NewCatchAccount {
        credentials_sealed,
        id,
        provider: provider.as_str().to_owned(),
        label,
        endpoint,
        auth_endpoint,
        max_bid_per_name_minor: max_bid,
        monthly_limit_minor: monthly,
        currency: currency.as_str().to_owned(),
    };
    let actor = caller.actor(state.clock.now());
    state
        .db
        .run(move |c| catch_accounts::insert(c, &actor, &new))
        .await
        .map_err(|e| match e {
            DbError::Conflict(_) => AppError::invalid(
                "label",
                format!(
                    "The firm already has a {} account of that name: choose another name.",
                    provider.label()
                ),
            ),
            other => other.into(),
        })
}

/// Changes an account (administrators): new credentials (after one call the service accepts),
/// limits, in use or not.
pub async fn update(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: CatchAccountChange,
) -> Result<CatchAccount, AppError> {
    caller.require_admin()?;
    let not_found = || AppError::NotFound("The firm has no such catch account.".to_owned());
    let id = CatchAccountId::parse(id).map_err(|_| not_found())?;
    let account = state
        .db
        .run(move |c| catch_accounts::find(c, &id))
        .await?
        .ok_or_else(not_found)?;
    let Some(provider) = account.provider() else {
        return Err(AppError::invalid(
            "provider",
            "This account's service is not one this version of reclaim can call.",
        ));
    };
    let mut errors = FieldErrors::default();
    let credentials = input.credentials.as_ref().and_then(|given| {
        Credentials::for_provider(provider, given)
            .map_err(|e| errors.add("credentials", e.to_string()))
            .ok()
    });
    let mut amount = |given: &Option<AmountInput>, field: &str| match given {
        None => None,
        Some(text) => text.parse().map_err(|e| errors.add(field, e)).ok(),
    };
    let max_bid = amount(&input.max_bid_per_name, "max_bid_per_name");
    let monthly = amount(&input.monthly_limit, "monthly_limit");
    if input.active == Some(false) && account.active {
        let of = account.id.clone();
        let open = state
            .db
            .run(move |c| catch_accounts::open_orders(c, &of))
            .await?;
        if open > 0 {
            errors.add(
                "active",
                format!(
                    "{open} order(s) through this account are still open: cancel them on their backorders (or let them end) before taking the account out of use."
                ),
            );
        }
    }
    errors.check()?;
    let credentials_sealed = match credentials {
        None => None,
        Some(credentials) => Some(
            verify_and_seal(
                state,
                provider,
                Endpoints {
                    api: account.endpoint.clone(),
                    auth: account.auth_endpoint.clone(),
                },
                &credentials,
                &account.id,
            )
            .await?,
        ),
    };
    let change = AccountChange {
        credentials_sealed,
        max_bid_per_name_minor: input.max_bid_per_name.as_ref().map(|_| max_bid.flatten()),
        monthly_limit_minor: input.monthly_limit.as_ref().map(|_| monthly.flatten()),
        active: input.active,
    };
    let actor = caller.actor(state.clock.now());
    Ok(state
        .db
        .run(move |c| catch_accounts::update(c, &actor, &account, &change))
        .await?)
}

/// One harmless call with the credentials; sealed for the account `id` only once the service
/// accepted them, otherwise what it said, on the field to correct.
async fn verify_and_seal(
    state: &AppState,
    provider: Provider,
    endpoints: Endpoints,
    credentials: &Credentials,
    id: &CatchAccountId,
) -> Result<String, AppError> {
    let service = Service::connect(provider, endpoints, credentials.clone(), SERVICE_TIMEOUT)
        .map_err(|e| AppError::invalid("credentials", e.to_string()))?;
    let verified = service.verify().await;
    log_exchanges(&verified.exchanges);
    if let Err(e) = verified.result {
        return Err(refusal(provider, &e));
    }
    let plain = serde_json::to_vec(credentials)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("credentials: {e}")))?;
    Ok(sealed::seal(
        &state.keys.catch_credentials,
        id.as_str(),
        &plain,
    ))
}

/// What the administrator is told when the service refused the test call.
fn refusal(provider: Provider, e: &CatchError) -> AppError {
    match e {
        CatchError::Unreachable { .. }
        | CatchError::Server { .. }
        | CatchError::Unreadable { .. } => AppError::invalid(
            "endpoint",
            match provider.default_endpoint() {
                Some(_) => format!(
                    "{e}. Check the endpoint (blank for {}'s own), then try again.",
                    provider.label()
                ),
                None => format!(
                    "{e}. Check the server's host and port, and that the registry allows this server's address, then try again."
                ),
            },
        ),
        _ => AppError::invalid("credentials", format!("{e}. Nothing was kept.")),
    }
}

/// The calls go to the log by what they were, never with their content (which may name a
/// token the service gave).
fn log_exchanges(exchanges: &[Exchange]) {
    for e in exchanges {
        tracing::info!(
            provider = e.provider.as_str(),
            action = e.action,
            status = e.status,
            duration_ms = e.duration_ms,
            "catch service call"
        );
    }
}

/// The firm's accounts (administrators).
pub async fn list(
    state: &AppState,
    user: &Principal,
    request: PageRequest,
) -> Result<Page<CatchAccount>, AppError> {
    user.require_admin()?;
    Ok(state
        .db
        .run(move |c| catch_accounts::page(c, &request))
        .await?)
}

/// The accounts in use, for staff choosing where to put a backorder (never their credentials:
/// the pages show the name and the service only).
pub async fn in_use(state: &AppState, user: &Principal) -> Result<Vec<CatchAccount>, AppError> {
    user.require_staff()?;
    let all = state.db.run(catch_accounts::list).await?;
    Ok(all.into_iter().filter(|a| a.active).collect())
}

/// The client of an account's service kept for the process (`AppState::catch_clients`), opened
/// when first needed or when the account changed. Used by the catch job.
pub fn client_of(
    state: &AppState,
    account: &CatchAccount,
) -> Result<std::sync::Arc<Service>, CatchError> {
    let from = vec![
        account.provider.clone(),
        account.endpoint.clone(),
        account.auth_endpoint.clone().unwrap_or_default(),
        account.credentials_sealed.clone(),
    ];
    state
        .catch_clients
        .get_or_open(account.id.as_str(), from, || service_of(state, account))
}

/// The client of an account's service, its credentials opened.
pub fn service_of(state: &AppState, account: &CatchAccount) -> Result<Service, CatchError> {
    let provider = account
        .provider()
        .ok_or_else(|| CatchError::Invalid(format!("unknown provider '{}'", account.provider)))?;
    let plain = sealed::open(
        &state.keys.catch_credentials,
        account.id.as_str(),
        &account.credentials_sealed,
    )
    .map_err(|e| CatchError::Invalid(e.to_string()))?;
    let credentials: Credentials = serde_json::from_slice(&plain)
        .map_err(|e| CatchError::Invalid(format!("stored credentials unreadable: {e}")))?;
    Service::connect(
        provider,
        Endpoints {
            api: account.endpoint.clone(),
            auth: account.auth_endpoint.clone(),
        },
        credentials,
        SERVICE_TIMEOUT,
    )
}
