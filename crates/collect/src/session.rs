//! Sessions in memory, by a random id in an HttpOnly, SameSite=Strict cookie.
//!
//! Patients: after "start" (or a typed access code), the token leaves the URL and the session
//! stands for the invitation; after a restart the patient opens the link (or types the code)
//! again and resumes from the saved draft. Data-entry staff: after log-in, the session stands
//! for the key holder and the questionnaire being keyed. Report co-authors (`/team`): the key
//! holder and the language of their pages. Staff and co-authors' sessions hold their key's id,
//! and their pages ask the store at every request whether that key is still valid.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::RngCore;
use vecu_store::{ApiKey, Mode};

/// Name of the patients' session cookie.
pub const COOKIE: &str = "vecu_session";
/// Name of the data-entry staff's session cookie (path `/entry`).
pub const STAFF_COOKIE: &str = "vecu_staff";
/// A session ends after this long without a request.
const IDLE: Duration = Duration::from_secs(2 * 60 * 60);

/// What a patient's session knows: the invitation (vault side) and the chosen language.
#[derive(Debug, Clone)]
pub struct Session {
    pub invitation: String,
    pub lang: String,
    /// How the patient came: by an e-mail link or by typing an access code.
    pub mode: Mode,
}

/// What a data-entry session knows: who keys (their key, by id: two keys may share a name),
/// and the questionnaire open (an invitation id, vault side), if any.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub key: ApiKey,
    pub current: Option<String>,
    /// The language of the pages, once chosen (log-in form or language switch); until then
    /// the survey's first language.
    pub lang: Option<String>,
}

/// Sessions of one kind by id, each ending after `IDLE` without a request.
#[derive(Debug)]
pub struct SessionTable<T>(Mutex<HashMap<String, (T, Instant)>>);

impl<T> Default for SessionTable<T> {
    fn default() -> Self {
        SessionTable(Mutex::new(HashMap::new()))
    }
}

/// Patients' sessions.
pub type Sessions = SessionTable<Session>;
/// Data-entry staff's sessions.
pub type StaffSessions = SessionTable<StaffSession>;

impl<T: Clone> SessionTable<T> {
    /// Opens a session and returns its id (128 random bits, hex).
    pub fn start(&self, session: T) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let id: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let mut sessions = self.lock();
        sessions.retain(|_, (_, last_seen)| last_seen.elapsed() < IDLE);
        sessions.insert(id.clone(), (session, Instant::now()));
        id
    }

    /// The live session with this id, refreshed.
    pub fn get(&self, id: &str) -> Option<T> {
        let mut sessions = self.lock();
        let (session, last_seen) = sessions
            .get_mut(id)
            .filter(|(_, last_seen)| last_seen.elapsed() < IDLE)?;
        *last_seen = Instant::now();
        Some(session.clone())
    }

    /// Changes a session.
    pub fn update(&self, id: &str, change: impl FnOnce(&mut T)) {
        if let Some((session, _)) = self.lock().get_mut(id) {
            change(session);
        }
    }

    /// Ends a session (after submission).
    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (T, Instant)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Sessions {
    /// Opens a patient's session.
    pub fn open(&self, invitation: &str, lang: &str, mode: Mode) -> String {
        self.start(Session {
            invitation: invitation.to_owned(),
            lang: lang.to_owned(),
            mode,
        })
    }

    /// Changes the session's language.
    pub fn set_lang(&self, id: &str, lang: &str) {
        self.update(id, |session| session.lang = lang.to_owned());
    }
}

impl StaffSessions {
    /// Opens a session for a key holder, in the language chosen on the log-in page if any.
    pub fn open(&self, key: &ApiKey, lang: Option<&str>) -> String {
        self.start(StaffSession {
            key: key.clone(),
            current: None,
            lang: lang.map(str::to_owned),
        })
    }

    /// Remembers the language of the pages.
    pub fn set_lang(&self, id: &str, lang: &str) {
        self.update(id, |session| session.lang = Some(lang.to_owned()));
    }

    /// Sets (or clears) the questionnaire being keyed.
    pub fn set_current(&self, id: &str, current: Option<String>) {
        self.update(id, |session| session.current = current);
    }
}
