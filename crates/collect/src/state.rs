//! What every request handler shares.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use vecu_store::Store;
use vecu_survey::Survey;

use crate::guard::Csrf;
use crate::metrics::Metrics;
use crate::startup::ServeConfig;
use crate::PageError;

/// Shared state of the web service. Sessions and look-up counts are the store's: nothing here
/// differs between two instances on one database but the surveys cached.
pub struct AppState {
    pub store: Store,
    pub csrf: Csrf,
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (empty: none).
    pub trusted_proxies: Vec<IpAddr>,
    /// The public address of the service (`https://survey.example.org`): links on letters are
    /// built from it, never from a request's `Host`.
    pub public_url: String,
    /// The mail scheduler, when mail is set: the API queues mail-outs with it.
    pub scheduler: Option<Arc<crate::Scheduler>>,
    /// What `/metrics` shows.
    pub metrics: Metrics,
    /// Who may read `/metrics` besides this host.
    pub metrics_from: Vec<IpAddr>,
    surveys: Mutex<HashMap<String, Arc<Survey>>>,
}

impl AppState {
    /// State over a store, with the settings of `config` and the service's public address; the
    /// CSRF key is the deployment's, from the store. No scheduler yet: the service adds it.
    pub fn new(
        store: Store,
        config: &ServeConfig,
        public_url: String,
    ) -> Result<AppState, vecu_store::StoreError> {
        let metrics = Metrics::default();
        Ok(AppState {
            csrf: Csrf::new(store.csrf_secret()?),
            store,
            secure_cookies: config.secure_cookies,
            trusted_proxies: config
                .trusted_proxies
                .iter()
                .map(|address| address.to_canonical())
                .collect(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            metrics_from: config
                .metrics_from
                .iter()
                .map(|address| address.to_canonical())
                .collect(),
            scheduler: None,
            metrics,
            surveys: Mutex::new(HashMap::new()),
        })
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
