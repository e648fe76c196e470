//! Pages for people, rendered on the server from `templates/`.

pub mod account;
pub mod audit;
pub mod auth;
pub mod backorders;
pub mod clients;
pub mod dashboard;
pub mod matters;
pub mod setup;
pub mod tlds;
pub mod users;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(dashboard::dashboard)
        .service(auth::login_form)
        .service(auth::login)
        .service(auth::logout)
        .service(setup::setup_form)
        .service(setup::setup)
        .service(account::account)
        .service(account::change_password)
        .service(account::create_token)
        .service(account::revoke_token)
        .service(account::sign_out_everywhere)
        .service(users::list)
        .service(users::new_form)
        .service(users::create)
        .service(users::edit_form)
        .service(users::update)
        .service(users::reset_password)
        .service(users::sign_out_user)
        .service(audit::audit_log)
        .service(clients::list)
        .service(clients::new_form)
        .service(clients::create)
        .service(clients::edit_form)
        .service(clients::show)
        .service(clients::update)
        .service(clients::add_contact)
        .service(clients::remove_contact)
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
        .service(backorders::check_now)
        .service(backorders::evidence)
        .service(backorders::snapshot)
        .service(tlds::tlds);
}
