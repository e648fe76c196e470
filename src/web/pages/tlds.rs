//! The TLD rules reclaim applies, for lawyers and paralegals to read.

use actix_web::{HttpResponse, get, web};

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
    let mut policies: Vec<(String, PolicyView)> = Vec::new();
    for policy in state.tld_policies.all() {
        // Entries that share their rules (.fr and its overseas TLDs) show once.
        if let Some((names, _)) = policies.iter_mut().find(|(_, v)| {
            v.registry == policy.registry && v.backorder_note == policy.backorder_note
        }) {
            names.push_str(&format!(", .{}", policy.tld));
            continue;
        }
        policies.push((format!(".{}", policy.tld), PolicyView::from(policy)));
    }
    policies.push((
        "other generic TLDs".to_owned(),
        PolicyView::from(state.tld_policies.new_gtld_default()),
    ));
    render(&TldsPage {
        layout: Layout::for_user(&user, "TLD rules", "tlds"),
        policies,
    })
}
