//! What every request handler shares.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use vecu_store::Store;
use vecu_survey::Survey;

use crate::guard::{Csrf, LookupLimiter};
use crate::session::{Sessions, StaffSessions};
use crate::PageError;

/// Shared state of the web service.
pub struct AppState {
    pub store: Store,
    pub sessions: Sessions,
    /// Data-entry staff.
    pub staff: StaffSessions,
    pub csrf: Csrf,
    pub limiter: LookupLimiter,
    pub secure_cookies: bool,
    pub behind_proxy: bool,
    pub mailer: Option<crate::Mailer>,
    surveys: Mutex<HashMap<String, Arc<Survey>>>,
}

impl AppState {
    /// State over a store.
    pub fn new(
        store: Store,
        secure_cookies: bool,
        behind_proxy: bool,
        mailer: Option<crate::Mailer>,
    ) -> AppState {
        AppState {
            store,
            sessions: Sessions::default(),
            staff: StaffSessions::default(),
            csrf: Csrf::new(),
            limiter: LookupLimiter::default(),
            secure_cookies,
            behind_proxy,
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
