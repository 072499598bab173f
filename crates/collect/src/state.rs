//! What every request handler shares.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use vecu_store::Store;
use vecu_survey::Survey;

use crate::guard::{Csrf, LookupLimiter};
use crate::session::{Sessions, StaffSessions};
use crate::startup::ServeConfig;
use crate::PageError;

/// Shared state of the web service.
pub struct AppState {
    pub store: Store,
    pub sessions: Sessions,
    /// Data-entry staff.
    pub staff: StaffSessions,
    pub csrf: Csrf,
    pub limiter: LookupLimiter,
    /// Unknown access codes typed at data entry, per data-entry key (its id).
    pub entry_lookups: LookupLimiter<String>,
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: none).
    pub trusted_proxies: Vec<IpAddr>,
    /// The public address of the service (`https://survey.example.org`): links on letters are
    /// built from it, never from a request's `Host`.
    pub public_url: String,
    pub mailer: Option<crate::Mailer>,
    surveys: Mutex<HashMap<String, Arc<Survey>>>,
}

impl AppState {
    /// State over a store, with the settings of `config` and the service's public address.
    pub fn new(
        store: Store,
        config: &ServeConfig,
        public_url: String,
        mailer: Option<crate::Mailer>,
    ) -> AppState {
        AppState {
            store,
            sessions: Sessions::default(),
            staff: StaffSessions::default(),
            csrf: Csrf::new(),
            limiter: LookupLimiter::default(),
            entry_lookups: LookupLimiter::per(crate::routes::entry::UNKNOWN_CODES_PER_WINDOW),
            secure_cookies: config.secure_cookies,
            trusted_proxies: config
                .trusted_proxies
                .iter()
                .map(|address| address.to_canonical())
                .collect(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            mailer,
            surveys: Mutex::new(HashMap::new()),
        }
    }

    /// A survey version, loaded once from the store.
    pub fn survey(&self, hash: &str) -> Result<Arc<Survey>, PageError> {
        let mut surveys = self
            .surveys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(survey) = surveys.get(hash) {
            return Ok(survey.clone());
        }
        let survey = Arc::new(self.store.survey(hash)?);
        surveys.insert(hash.to_owned(), survey.clone());
        Ok(survey)
    }
}
