//! What every request handler, job and command shares. Cheap to clone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

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
    /// The catch accounts' clients, shared by every run (`catch::Clients`).
    pub catch_clients: Arc<crate::catch::Clients>,
    /// Names this process in leases and job runs (several instances may share a database).
    pub instance: String,
    /// Set when the process is asked to stop (SIGTERM, Ctrl-C).
    pub stopping: Stopping,
}

/// Whether the process was asked to stop: background work then takes nothing new and gives back
/// what it has not begun (`jobs::Worker::stop`). Shared by every clone of the state.
#[derive(Clone, Default)]
pub struct Stopping(Arc<AtomicBool>);

impl Stopping {
    pub fn request(&self) {
        // SeqCst: `jobs::run` marks itself running then reads this; `Worker::stop` sets this
        // then looks for runs, so one of the two always sees the other.
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
