//! Patient sessions: after "start", the token leaves the URL and a random session id in an
//! HttpOnly, SameSite=Strict cookie stands for the invitation. Sessions live in memory; after a
//! restart the patient opens the link again and resumes from the saved draft.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;

/// Name of the session cookie.
pub const COOKIE: &str = "vecu_session";
/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(2 * 60 * 60);

/// What a session knows: the invitation (vault side) and the chosen language.
#[derive(Debug, Clone)]
pub struct Session {
    pub invitation: String,
    pub lang: String,
    last_seen: Instant,
}

/// Sessions by id.
#[derive(Debug, Default)]
pub struct Sessions(Mutex<HashMap<String, Session>>);

impl Sessions {
    /// Opens a session and returns its id (128 random bits, hex).
    pub fn open(&self, invitation: &str, lang: &str) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let id: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let session = Session {
            invitation: invitation.to_owned(),
            lang: lang.to_owned(),
            last_seen: Instant::now(),
        };
        let mut sessions = self.lock();
        sessions.retain(|_, session| session.last_seen.elapsed() < IDLE);
        sessions.insert(id.clone(), session);
        id
    }

    /// The live session with this id, refreshed.
    pub fn get(&self, id: &str) -> Option<Session> {
        let mut sessions = self.lock();
        let session = sessions
            .get_mut(id)
            .filter(|session| session.last_seen.elapsed() < IDLE)?;
        session.last_seen = Instant::now();
        Some(session.clone())
    }

    /// Changes the session's language.
    pub fn set_lang(&self, id: &str, lang: &str) {
        if let Some(session) = self.lock().get_mut(id) {
            session.lang = lang.to_owned();
        }
    }

    /// Ends a session (after submission).
    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
