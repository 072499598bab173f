//! No token reaches the server's logs: a patient's whole path is walked with every log line of
//! the service captured (the access log included), and the token is searched for in all of it.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use vecu_store::Backend;

use crate::helpers::{on_both_backends, spawn_app, started, Browser};

on_both_backends!(no_token_appears_in_the_logs);

/// Every log line of this test binary, from every thread (the server's workers included), from
/// the first call on; every test that reads the logs calls it first.
pub(crate) fn captured() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&buffer);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(Arc::clone(&sink)))
            .finish();
        // Only this function sets a subscriber in this binary.
        let _ = tracing::subscriber::set_global_default(subscriber);
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn no_token_appears_in_the_logs(backend: Backend) {
    let log = captured();
    let app = spawn_app(backend).await;
    let mut browser = started(&app, &app.tokens[0].token).await;
    let page = browser.get("/q/0").await;
    assert_eq!(page.status, 200);
    // A wrong token and the opt-out link are logged too.
    assert_eq!(browser.get("/s/not-a-real-token").await.status, 404);
    assert_eq!(
        Browser::new(&app)
            .get(&format!("/o/{}", app.tokens[1].token))
            .await
            .status,
        200
    );
    let text = String::from_utf8_lossy(&log.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    assert!(
        text.contains("/s/***"),
        "the access log recorded the visit (masked)"
    );
    for issued in &app.tokens {
        assert!(!text.contains(&issued.token), "a token reached the log");
    }
}
