//! Errors of the web service, mapped to status codes and pages in one place. Causes are logged;
//! patients see a short message, never internals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::pages::layout;

/// What can go wrong while serving a patient page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] vecu_store::StoreError),
    /// A form came without a valid CSRF token.
    #[error("form without a valid CSRF token")]
    Forbidden,
    /// The page asked for does not exist.
    #[error("no such page")]
    NotFound,
    /// A form body refused before it was read: too large (413) or not a form.
    #[error("form body refused with {0}")]
    Body(StatusCode),
    /// The thread pool that runs store calls away from the request workers failed.
    #[error("the blocking thread pool failed: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::Store(_) | PageError::Blocking(_) => StatusCode::INTERNAL_SERVER_ERROR,
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Body(status) => *status,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code() == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(error = %self, "patient page failed");
        }
        let text = match self {
            PageError::Store(_) | PageError::Blocking(_) => "Something went wrong on our side. Your answers so far are saved; please try again later.",
            PageError::Forbidden => "This form has expired. Please go back, reload the page and try again.",
            PageError::NotFound => "This page does not exist.",
            PageError::Body(StatusCode::PAYLOAD_TOO_LARGE) => {
                "This form is larger than the server accepts."
            }
            PageError::Body(_) => "This form could not be read.",
        };
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(layout::bare("en", "vecu", text).into_string())
    }
}
