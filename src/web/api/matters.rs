//! `/api/v1/matters`: open, list, read, close and reopen matters; attach backorders.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::access::{Principal, visible_matter};
use crate::app::dossier::{self, Changes, Dossier};
use crate::error::{AppError, FieldErrors};
use crate::model::backorder::check_target;
use crate::model::ids::{ClientId, UserId};
use crate::model::matter::{Mark, MatterStatus, parse_marks, parse_title};
use crate::repo::backorders::{self, NewBackorder};
use crate::repo::matters::{self, MatterFilter, NewMatter};
use crate::state::AppState;
use crate::web::actor;
use crate::web::api::auth::ApiUser;
use crate::web::api::backorders::backorder_json;
use crate::web::api::procedures::{deadline_json, procedure_json};
use crate::web::pages::matters::{backorder_error, backorder_terms};
use crate::web::request::RequestMeta;

/// A matter with everything attached to it.
pub fn matter_json(d: &Dossier) -> Value {
    let matter = &d.matter;
    let procs: Vec<Value> = d
        .procedures
        .iter()
        .map(|f| procedure_json(&f.procedure, &f.domains, &f.events, &[]))
        .collect();
    json!({
        "id": matter.id,
        "reference": matter.reference,
        "title": matter.title,
        "status": matter.status,
        "client": { "id": matter.client_id, "name": d.client.name },
        "responsible_lawyer": { "id": matter.responsible_lawyer_id, "name": d.lawyer },
        "team": d.team.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>(),
        "marks": d.marks.iter().map(|m| json!({ "name": m.name, "registration": m.registration })).collect::<Vec<_>>(),
        "notes": matter.notes,
        "opened_at": matter.opened_at.and_utc().to_rfc3339(),
        "closed_at": matter.closed_at.map(|t| t.and_utc().to_rfc3339()),
        "backorders": d.backorders.iter().map(|b| backorder_json(b, &d.channels)).collect::<Vec<_>>(),
        // Each procedure without its deadlines: they are listed once, below, for the whole matter.
        "procedures": procs,
        "deadlines": d.deadlines.iter().map(deadline_json).collect::<Vec<_>>(),
    })
}

/// Marks as the API accepts them: `["ACME"]` or `[{"name": "ACME", "registration": "…"}]`.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum MarkJson {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        registration: String,
    },
}

fn marks_from(json: &[MarkJson]) -> Result<Vec<Mark>, AppError> {
    let text = json
        .iter()
        .map(|m| match m {
            MarkJson::Name(n) => n.replace(['|', '—', '\n'], " "),
            MarkJson::Full { name, registration } => {
                format!(
                    "{} | {}",
                    name.replace(['|', '—', '\n'], " "),
                    registration.replace('\n', " ")
                )
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    parse_marks(&text).map_err(|e| AppError::invalid("marks", e.to_string()))
}

fn parse_id<T>(
    raw: &str,
    field: &str,
    parse: fn(&str) -> Result<T, crate::model::types::InvalidId>,
) -> Result<T, AppError> {
    parse(raw.trim()).map_err(|_| AppError::invalid(field, format!("'{raw}' is not a valid id.")))
}

#[derive(Deserialize)]
pub struct NewMatterJson {
    client_id: String,
    title: String,
    responsible_lawyer_id: Option<String>,
    #[serde(default)]
    team: Vec<String>,
    #[serde(default)]
    marks: Vec<MarkJson>,
    #[serde(default)]
    notes: String,
}

#[post("/matters")]
pub async fn create(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    body: web::Json<NewMatterJson>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let body = body.into_inner();
    let client_id = parse_id(&body.client_id, "client_id", ClientId::parse)?;
    let title = parse_title(&body.title).map_err(|e| AppError::invalid("title", e.to_string()))?;
    let responsible_lawyer_id = match &body.responsible_lawyer_id {
        Some(id) => parse_id(id, "responsible_lawyer_id", UserId::parse)?,
        None => user.id.clone(),
    };
    let team = body
        .team
        .iter()
        .map(|t| parse_id(t, "team", UserId::parse))
        .collect::<Result<Vec<_>, _>>()?;
    let new = NewMatter {
        client_id,
        title,
        responsible_lawyer_id,
        team,
        marks: marks_from(&body.marks)?,
        notes: body.notes.trim().chars().take(10_000).collect(),
    };
    let actor = actor(&user, &meta, state.clock.now());
    let matter = state
        .db
        .run(move |c| matters::create(c, &actor, &new))
        .await
        .map_err(|e| match e.field() {
            Some(field) => AppError::invalid(field, e.to_string()),
            None => match e {
                matters::MatterError::Db(db) => db.into(),
                other => AppError::Unexpected(other.into()),
            },
        })?;
    let dossier = dossier::of_matter(&state, &user, matter.id.as_str(), Changes::None).await?;
    Ok(HttpResponse::Created().json(matter_json(&dossier)))
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    client_id: Option<String>,
}

/// Open matters by default; `status=closed` or `status=all` for the others.
#[get("/matters")]
pub async fn list(
    state: web::Data<AppState>,
    user: ApiUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let status = match query.status.as_deref() {
        None | Some("open") => Some(MatterStatus::Open),
        Some("closed") => Some(MatterStatus::Closed),
        Some("all") => None,
        Some(other) => {
            return Err(AppError::invalid(
                "status",
                format!("'{other}' is not a filter; use open, closed or all."),
            ));
        }
    };
    let client_id = match (&user.client_id, query.client_id.as_deref()) {
        (Some(own), _) => Some(own.clone()),
        (None, Some(id)) => Some(parse_id(id, "client_id", ClientId::parse)?),
        (None, None) => None,
    };
    let filter = MatterFilter {
        client_id,
        status,
        search: query.q,
    };
    let rows = state.db.run(move |c| matters::list(c, &filter)).await?;
    Ok(HttpResponse::Ok().json(
        rows.iter()
            .map(|s| {
                json!({
                    "id": s.matter.id,
                    "reference": s.matter.reference,
                    "title": s.matter.title,
                    "status": s.matter.status,
                    "client": { "id": s.matter.client_id, "name": s.client_name },
                    "responsible_lawyer": { "id": s.matter.responsible_lawyer_id, "name": s.lawyer_name },
                    "backorders": s.backorders,
                    "opened_at": s.matter.opened_at.and_utc().to_rfc3339(),
                })
            })
            .collect::<Vec<_>>(),
    ))
}

#[get("/matters/{id}")]
pub async fn show(
    state: web::Data<AppState>,
    user: ApiUser,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let dossier = dossier::of_matter(&state, &user, &id, Changes::None).await?;
    Ok(HttpResponse::Ok().json(matter_json(&dossier)))
}

async fn set_status(
    state: &AppState,
    user: &Principal,
    meta: &RequestMeta,
    id: &str,
    status: MatterStatus,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(state, user, id).await?;
    let actor = actor(user, meta, state.clock.now());
    let updated = state
        .db
        .run(move |c| matters::set_status(c, &actor, &matter.id, status))
        .await?;
    let dossier = dossier::of_matter(state, user, updated.id.as_str(), Changes::None).await?;
    Ok(HttpResponse::Ok().json(matter_json(&dossier)))
}

#[post("/matters/{id}/close")]
pub async fn close(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_status(&state, &user, &meta, &id, MatterStatus::Closed).await
}

#[post("/matters/{id}/reopen")]
pub async fn reopen(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_status(&state, &user, &meta, &id, MatterStatus::Open).await
}

/// An amount as JSON gives it: `1500`, `1500.5` or `"1500.50"`.
pub fn amount_text(value: &Option<Value>) -> String {
    match value {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

#[derive(Deserialize)]
pub struct AttachJson {
    domain: String,
    max_bid: Option<Value>,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    confirm_conflict: bool,
}

#[post("/matters/{id}/backorders")]
pub async fn attach(
    state: web::Data<AppState>,
    user: ApiUser,
    meta: RequestMeta,
    id: web::Path<String>,
    body: web::Json<AttachJson>,
) -> Result<HttpResponse, AppError> {
    user.require_lawyer_or_admin()?;
    let matter = visible_matter(&state, &user, &id).await?;
    let body = body.into_inner();
    let (domain, policy) = check_target(&body.domain, &state.tld_policies)
        .map_err(|e| AppError::invalid("domain", e.to_string()))?;
    let mut errors = FieldErrors::default();
    let (max_bid_minor, currency, priority, notes) = backorder_terms(
        &amount_text(&body.max_bid),
        &body.currency,
        &body.priority,
        &body.notes,
        &mut errors,
    )
    .ok_or_else(|| errors.into_error())?;
    let new = NewBackorder {
        domain,
        priority,
        max_bid_minor,
        currency,
        notes,
    };
    let actor = actor(&user, &meta, state.clock.now());
    let (matter_id, client_id, confirm) = (
        matter.id.clone(),
        matter.client_id.clone(),
        body.confirm_conflict,
    );
    let (created, conflicts, channels) = state
        .db
        .run(move |c| {
            let created = backorders::attach(c, &actor, &matter_id, &new, confirm)?;
            let conflicts = backorders::conflicts(c, &created.domain, &client_id)?;
            let channels = backorders::channels(c, &created.id)?;
            Ok::<_, backorders::BackorderError>((created, conflicts, channels))
        })
        .await
        .map_err(backorder_error)?;
    let mut answer = backorder_json(&created, &channels);
    let mut warnings: Vec<String> = conflicts
        .iter()
        .map(|c| {
            format!(
                "Also sought for {} in matter {}; the conflict check was confirmed.",
                c.client_name, c.reference
            )
        })
        .collect();
    if !policy.unconfirmed.is_empty() {
        warnings.push(format!(
            "For .{}, to verify: {}.",
            policy.tld,
            policy.unconfirmed.join("; ")
        ));
    }
    answer["warnings"] = json!(warnings);
    answer["conflicts"] = json!(conflicts);
    Ok(HttpResponse::Created().json(answer))
}
