//! What every request handler, job and command shares. Cheap to clone.

use std::sync::Arc;

use crate::auth::keys::Keys;
use crate::auth::throttle::ThrottlePolicy;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::DbPool;
use crate::mail::Mailer;
use crate::model::tld_policy::TldPolicies;
use crate::registry::RegistryClient;

#[derive(Clone)]
pub struct AppState {
    pub db: DbPool,
    pub settings: Arc<Settings>,
    pub keys: Arc<Keys>,
    pub clock: Arc<dyn Clock>,
    pub throttle: ThrottlePolicy,
    pub tld_policies: Arc<TldPolicies>,
    pub registry: Arc<RegistryClient>,
    pub mailer: Arc<Mailer>,
    /// Names this process in leases and job runs (several instances may share a database).
    pub instance: String,
}
