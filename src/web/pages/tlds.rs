//! The TLD rules reclaim applies, for lawyers and paralegals to read.

use actix_web::{HttpResponse, get, web};

use crate::app;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::session::CurrentUser;
use crate::web::view::PolicyView;
use crate::web::{Layout, render};

#[derive(askama::Template)]
#[template(path = "tlds.html")]
struct TldsPage {
    layout: Layout,
    policies: Vec<(String, PolicyView)>,
}

#[get("/tlds")]
pub async fn tlds(state: web::Data<AppState>, user: CurrentUser) -> Result<HttpResponse, AppError> {
    let rules = app::backorders::tld_rules(&state);
    render(&TldsPage {
        layout: Layout::for_user(&user, "TLD rules", "tlds"),
        policies: rules
            .iter()
            .map(|(names, policy)| (names.clone(), PolicyView::from(policy)))
            .collect(),
    })
}
