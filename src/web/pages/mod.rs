//! Pages for people, rendered on the server from `templates/`.

pub mod account;
pub mod audit;
pub mod auth;
pub mod backorders;
pub mod catch_accounts;
pub mod clients;
pub mod dashboard;
pub mod deadlines;
pub mod lookalikes;
pub mod matters;
pub mod outbox;
pub mod outreach;
pub mod procedures;
pub mod reports;
pub mod senders;
pub mod setup;
pub mod tlds;
pub mod two_factor;
pub mod unsubscribe;
pub mod users;

use actix_web::{HttpResponse, post, web};

use crate::app::procedures::ManualInput;
use crate::error::{AppError, FieldErrors};
use crate::model::present;
use crate::state::AppState;
use crate::web::request::RequestMeta;
use crate::web::session::{self, CurrentUser};
use crate::web::view::ManualValues;
use crate::web::{caller, see_other};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard::dashboard)
        .service(dashboard::drops)
        .service(auth::login_form)
        .service(auth::login)
        .service(auth::logout)
        .service(two_factor::code_form)
        .service(two_factor::check_code)
        .service(two_factor::enrol_form)
        .service(two_factor::enrol)
        .service(two_factor::set_requirement)
        .service(two_factor::reset)
        .service(setup::setup_form)
        .service(setup::setup)
        .service(account::account)
        .service(account::change_password)
        .service(account::create_token)
        .service(account::revoke_token)
        .service(account::sign_out_everywhere)
        .service(account::reset_calendar_feed)
        .service(account::start_two_factor)
        .service(account::confirm_two_factor)
        .service(account::new_recovery_codes)
        .service(account::turn_off_two_factor)
        .service(users::list)
        .service(users::new_form)
        .service(users::create)
        .service(users::edit_form)
        .service(users::update)
        .service(users::reset_password)
        .service(users::sign_out_user)
        .service(users::lift_sign_in_lock)
        .service(audit::audit_log)
        .service(clients::list)
        .service(clients::new_form)
        .service(clients::create)
        .service(clients::edit_form)
        .service(clients::show)
        .service(lookalikes::client_findings)
        .service(lookalikes::triage)
        .service(lookalikes::add_term)
        .service(lookalikes::remove_term)
        .service(clients::update)
        .service(clients::add_contact)
        .service(clients::remove_contact)
        .service(clients::set_registrant_handle)
        .service(matters::list)
        .service(matters::new_form)
        .service(matters::create)
        .service(matters::export)
        .service(matters::import_form)
        .service(matters::import)
        .service(matters::edit_form)
        .service(matters::show)
        .service(matters::update)
        .service(matters::close)
        .service(matters::reopen)
        .service(matters::attach)
        .service(backorders::show)
        .service(backorders::update)
        .service(backorders::change_status)
        .service(backorders::add_channel)
        .service(backorders::update_channel)
        .service(backorders::check)
        .service(backorders::evidence)
        .service(backorders::snapshot)
        .service(backorders::tick_item)
        .service(matters::procedures)
        .service(procedures::new_form)
        .service(procedures::start)
        .service(procedures::show)
        .service(procedures::update)
        .service(procedures::record_event)
        .service(procedures::correct_event)
        .service(procedures::delete_event)
        .service(procedures::close)
        .service(procedures::reopen)
        .service(add_manual_deadline)
        // Fixed paths before /deadlines/{id}/…
        .service(deadlines::dashboard)
        .service(deadlines::calculator)
        .service(deadlines::set_official)
        .service(deadlines::set_done)
        .service(deadlines::set_undone)
        .service(deadlines::assign)
        .service(deadlines::remove_manual)
        .service(deadlines::calendars)
        .service(deadlines::add_closure)
        .service(deadlines::remove_closure)
        .service(deadlines::feed)
        .service(catch_accounts::list)
        .service(catch_accounts::create)
        .service(catch_accounts::update)
        .service(senders::list)
        .service(senders::create)
        .service(senders::edit_form)
        .service(senders::update)
        .service(senders::suppression_list)
        .service(senders::suppress)
        .service(outreach::new_form)
        .service(outreach::create)
        .service(outreach::show)
        .service(outreach::update)
        .service(outreach::approve)
        .service(outreach::override_procedure)
        .service(outreach::send)
        .service(outreach::cancel)
        .service(outreach::answer)
        .service(outbox::outbox_page)
        .service(reports::generate)
        .service(reports::send_now)
        .service(reports::download)
        .service(unsubscribe::page)
        .service(unsubscribe::one_click)
        .service(tlds::tlds);
}

/// A deadline entered by hand, from a matter's page or (with `procedure_id`) from one of its
/// procedures' pages: the form goes back to the page it came from when something is wrong.
/// This is routing between two pages, so it lives here rather than in either of them.
#[post("/matters/{id}/deadlines")]
pub async fn add_manual_deadline(
    state: web::Data<AppState>,
    user: CurrentUser,
    meta: RequestMeta,
    id: web::Path<String>,
    form: web::Form<ManualInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let procedure = input.procedure().map(str::to_owned);
    match crate::app::procedures::add_manual(&state, &caller(&user, &meta), &id, input.clone())
        .await
    {
        Ok(d) => {
            session::flash(
                &user.session,
                "success",
                format!(
                    "Deadline added: {} on {}.",
                    d.label,
                    d.due_on().map(present::day).unwrap_or_default()
                ),
            );
            Ok(see_other(&match &procedure {
                Some(p) => format!("/procedures/{p}"),
                None => format!("/matters/{id}"),
            }))
        }
        Err(e) => {
            let mut sent = FieldErrors::default();
            sent.absorb(e)?;
            // Both pages name this form's fields `manual_…`.
            let errors = sent.prefixed("manual_");
            let values = ManualValues {
                label: input.label,
                due_on: input.due_on,
                assigned_to: input.assigned_to,
                note: input.note,
                sent_back: true,
            };
            match procedure {
                Some(p) => procedures::render_with_manual(&state, &user, &p, values, errors).await,
                None => matters::render_with_manual(&state, &user, &id, values, errors).await,
            }
        }
    }
}
