//! The firm's catch service accounts (administrators): the list, and the form that connects one.
//! Secrets typed in the form are never sent back to the browser.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::json;

use crate::app;
use crate::app::catch_accounts::{CatchAccountChange, CatchAccountInput};
use crate::catch::Provider;
use crate::error::{AppError, FieldErrors};
use crate::model::catch_account::CatchAccount;
use crate::model::money::format_plain;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::Choice;
use crate::web::{Layout, caller, render_status, see_other, show_time};

/// The connect form as typed. DropCatch needs `client_id` and `client_secret`, Dynadot
/// `api_key`, HEXONET a login and password (and takes a contact handle).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    pub auth_endpoint: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub api_key: String,
    #[serde(default)]
    pub hexonet_login: String,
    #[serde(default)]
    pub hexonet_password: String,
    #[serde(default)]
    pub hexonet_contact: String,
    #[serde(flatten)]
    pub epp: EppFields,
    #[serde(default)]
    pub max_bid_per_name: String,
    #[serde(default)]
    pub monthly_limit: String,
    #[serde(default)]
    pub currency: String,
}

/// An EPP account's fields (both forms): client id, password, the client certificate chain
/// and its key, the registry's CA (optional), the firm's registrant handle.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct EppFields {
    #[serde(default)]
    pub epp_client_id: String,
    #[serde(default)]
    pub epp_password: String,
    #[serde(default)]
    pub epp_certificate_pem: String,
    #[serde(default)]
    pub epp_private_key_pem: String,
    #[serde(default)]
    pub epp_ca_pem: String,
    #[serde(default)]
    pub epp_registrant: String,
}

impl EppFields {
    fn credentials(&self) -> serde_json::Value {
        json!({
            "client_id": self.epp_client_id,
            "password": self.epp_password,
            "certificate_pem": self.epp_certificate_pem,
            "private_key_pem": self.epp_private_key_pem,
            "ca_pem": self.epp_ca_pem,
            "registrant": self.epp_registrant,
        })
    }

    /// Sent back without the secrets.
    fn sent_back(self) -> Self {
        Self {
            epp_password: String::new(),
            epp_private_key_pem: String::new(),
            ..self
        }
    }
}

impl AccountForm {
    fn input(&self) -> CatchAccountInput {
        let credentials = match Provider::parse(&self.provider) {
            Ok(Provider::DropCatch) => {
                json!({"client_id": self.client_id, "client_secret": self.client_secret})
            }
            Ok(Provider::Dynadot | Provider::DynadotRegister) => json!({"api_key": self.api_key}),
            Ok(Provider::Hexonet) => json!({
                "login": self.hexonet_login,
                "password": self.hexonet_password,
                "contact": self.hexonet_contact,
            }),
            Ok(Provider::Epp) => self.epp.credentials(),
            Err(_) => json!({}),
        };
        let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        CatchAccountInput {
            provider: self.provider.clone(),
            label: self.label.clone(),
            endpoint: optional(&self.endpoint),
            auth_endpoint: optional(&self.auth_endpoint),
            credentials,
            max_bid_per_name: self.max_bid_per_name.as_str().into(),
            monthly_limit: self.monthly_limit.as_str().into(),
            currency: self.currency.clone(),
        }
    }

    /// The form sent back after a refusal: the secrets are never sent back.
    fn sent_back(self) -> Self {
        Self {
            client_secret: String::new(),
            api_key: String::new(),
            hexonet_password: String::new(),
            epp: self.epp.sent_back(),
            ..self
        }
    }
}

pub struct AccountRow {
    pub id: String,
    /// `dropcatch`, `dynadot`, `hexonet`: which credential fields its change form shows.
    pub provider_key: String,
    pub active: bool,
    /// The limits as the change form shows them (blank: none).
    pub max_bid_plain: String,
    pub monthly_plain: String,
    pub label: String,
    pub provider: String,
    pub endpoint: String,
    pub max_bid: String,
    pub monthly_limit: String,
    pub verified: String,
}

impl From<&CatchAccount> for AccountRow {
    fn from(a: &CatchAccount) -> Self {
        let amount = |minor: Option<i64>| {
            minor.map_or_else(
                || "no limit".to_owned(),
                |m| format!("{} {}", format_plain(m), a.currency),
            )
        };
        Self {
            id: a.id.to_string(),
            provider_key: a.provider.clone(),
            active: a.active,
            max_bid_plain: a
                .max_bid_per_name_minor
                .map(format_plain)
                .unwrap_or_default(),
            monthly_plain: a.monthly_limit_minor.map(format_plain).unwrap_or_default(),
            label: a.label.clone(),
            provider: a
                .provider()
                .map_or_else(|| a.provider.clone(), |p| p.label().to_owned()),
            endpoint: a.endpoint.clone(),
            max_bid: amount(a.max_bid_per_name_minor),
            monthly_limit: amount(a.monthly_limit_minor),
            verified: show_time(&a.verified_at),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "catch_accounts/list.html")]
struct AccountsPage {
    layout: Layout,
    accounts: Vec<AccountRow>,
    providers: Vec<Choice>,
    form: AccountForm,
    errors: FieldErrors,
    /// The account whose change was refused, with why.
    change_errors: Option<(String, Vec<String>)>,
}

async fn accounts_page(
    state: &AppState,
    user: &CurrentUser,
    form: AccountForm,
    errors: FieldErrors,
    change_errors: Option<(String, Vec<String>)>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    // A firm has a handful of accounts: the page shows them all, up to the most a page holds.
    let everything = crate::model::paging::PageRequest::first(crate::model::paging::MAX_LIMIT);
    let accounts = app::catch_accounts::list(state, user, everything)
        .await?
        .rows;
    let providers = Provider::ALL
        .iter()
        .map(|p| Choice {
            value: p.as_str().to_owned(),
            label: p.label().to_owned(),
            selected: form.provider == p.as_str(),
        })
        .collect();
    render_status(
        status,
        &AccountsPage {
            layout: Layout::for_user(user, "Catch accounts", "catch-accounts"),
            accounts: accounts.iter().map(AccountRow::from).collect(),
            providers,
            form,
            errors,
            change_errors,
        },
    )
}

#[get("/admin/catch-accounts")]
pub async fn list(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    accounts_page(
        &state,
        &user,
        AccountForm::default(),
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

#[post("/admin/catch-accounts")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    form: web::Form<AccountForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    match app::catch_accounts::create(&state, &caller(&user, &meta), form.input()).await {
        Ok(account) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "{} accepted the credentials: the account {} is connected.",
                    account.provider().map_or("The service", |p| p.label()),
                    account.label
                ),
            );
            return Ok(see_other("/admin/catch-accounts"));
        }
        Err(e) => errors.absorb(e)?,
    }
    accounts_page(
        &state,
        &user,
        form.sent_back(),
        errors,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// The change form of one account: new secrets (blank: kept), limits, in use.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub api_key: String,
    #[serde(default)]
    pub hexonet_login: String,
    #[serde(default)]
    pub hexonet_password: String,
    #[serde(default)]
    pub hexonet_contact: String,
    #[serde(flatten)]
    pub epp: EppFields,
    #[serde(default)]
    pub max_bid_per_name: String,
    #[serde(default)]
    pub monthly_limit: String,
    /// A checkbox: absent means "not in use".
    #[serde(default)]
    pub in_use: Option<String>,
}

impl ChangeForm {
    fn change(&self) -> CatchAccountChange {
        let typed = |s: &str| !s.trim().is_empty();
        // New credentials only when a secret was typed; the client id alone changes nothing.
        let credentials = if typed(&self.client_secret) {
            Some(json!({"client_id": self.client_id, "client_secret": self.client_secret}))
        } else if typed(&self.api_key) {
            Some(json!({"api_key": self.api_key}))
        } else if typed(&self.hexonet_password) {
            Some(json!({
                "login": self.hexonet_login,
                "password": self.hexonet_password,
                "contact": self.hexonet_contact,
            }))
        } else if typed(&self.epp.epp_password) {
            Some(self.epp.credentials())
        } else {
            None
        };
        CatchAccountChange {
            credentials,
            max_bid_per_name: Some(self.max_bid_per_name.as_str().into()),
            monthly_limit: Some(self.monthly_limit.as_str().into()),
            active: Some(self.in_use.is_some()),
        }
    }
}

#[post("/admin/catch-accounts/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match app::catch_accounts::update(&state, &caller(&user, &meta), &id, form.change()).await {
        Ok(account) => {
            session::flash(
                &user.session,
                "success",
                format!("The account {} is changed.", account.label),
            );
            Ok(see_other("/admin/catch-accounts"))
        }
        Err(e) => {
            let mut errors = FieldErrors::default();
            errors.absorb(e)?;
            let messages = errors.iter().map(|(_, m)| m.to_owned()).collect();
            accounts_page(
                &state,
                &user,
                AccountForm::default(),
                FieldErrors::default(),
                Some((id, messages)),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
