//! The home page after sign-in.

use actix_web::{HttpResponse, get, web};

use crate::auth::session::CurrentUser;
use crate::error::AppError;
use crate::repo::clients::{self, Client};
use crate::repo::{tokens, users};
use crate::state::AppState;
use crate::web::{Layout, render};

#[derive(askama::Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    first_name: String,
    client_count: i64,
    user_count: i64,
    has_api_token: bool,
    own_client: Option<Client>,
}

#[get("/")]
pub async fn dashboard(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> Result<HttpResponse, AppError> {
    let (user_id, own_client_id) = (user.id.clone(), user.client_id.clone());
    let (client_count, user_count, has_api_token, own_client) = state
        .db
        .run(move |c| {
            let own_client = match &own_client_id {
                Some(id) => clients::find(c, id)?,
                None => None,
            };
            let has_token = tokens::list_api_tokens(c, &user_id)?
                .iter()
                .any(|t| t.revoked_at.is_none());
            Ok::<_, AppError>((clients::count(c)?, users::count(c)?, has_token, own_client))
        })
        .await?;
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or(&user.name)
        .to_owned();
    render(&DashboardPage {
        layout: Layout::for_user(&user, "Dashboard", "dashboard"),
        first_name,
        client_count,
        user_count,
        has_api_token,
        own_client,
    })
}
