//! Sessions, by a random id in an HttpOnly, SameSite=Strict cookie; the store keeps them (by
//! the id's SHA-256, see `vecu_store::Session`), so that every instance on the database serves
//! them and a restart ends none.
//!
//! Patients: after "start" (or a typed access code), the token leaves the URL and the session
//! stands for the invitation. Data-entry staff: after log-in, the session stands for the key
//! holder and the questionnaire being keyed. Report co-authors (`/team`): the key holder and
//! the language of their pages. Staff and co-authors' sessions come back from the store with
//! their key as it is now: a revoked key's session ends at its next request.

use actix_web::HttpRequest;

pub use vecu_store::{PatientSession as Session, StaffSession};

/// Name of the patients' (path `/`) and co-authors' (path `/team`) session cookie.
pub const COOKIE: &str = "vecu_session";
/// Name of the data-entry staff's session cookie (path `/entry`).
pub const STAFF_COOKIE: &str = "vecu_staff";

/// The session id the request's cookie `name` holds, if any.
pub fn cookie_id(request: &HttpRequest, name: &str) -> Option<String> {
    request.cookie(name).map(|cookie| cookie.value().to_owned())
}
