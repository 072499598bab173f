//! The collection web service of vecu: server-rendered pages for patients (no JavaScript
//! needed, fr/de/it/en), with the store behind them.
//!
//! The patient's path: `/s/{token}` (welcome; loading it changes nothing) -> POST start (the
//! token moves to a session cookie) -> `/q/{section}` one page per section -> `/q/review` ->
//! POST `/q/submit` -> thank you. Opt-out from the welcome page and from `/o/{token}`.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let store = vecu_store::Store::open("vecu.db", Default::default()).expect("store");
//! let app = vecu_collect::Application::build(&vecu_collect::ServeConfig::default(), store)?;
//! println!("listening on port {}", app.port());
//! app.run().await
//! # }
//! ```
#![deny(missing_docs)]

mod comment_figures;
mod error;
mod form;
mod guard;
mod i18n;
mod mail;
mod metrics;
mod pages;
mod paper_rules;
mod reporting;
mod routes;
mod scheduler;
mod session;
mod startup;
mod state;

pub use actix_web::dev::ServerHandle;
pub use error::PageError;
pub use mail::{
    MailError, MailSettings, MailTransport, Mailer, SendSummary, SmtpPassword, SmtpSecurity,
    SmtpServer,
};
pub use pages::paper::questionnaire as paper_questionnaire;
pub use reporting::{
    contribution_lines, create_report, document, fieldwork, publish_report, release_site_results,
    site_report, site_report_html, site_results_now, site_weighting, wave_document, wave_draft,
    ReportSettings, ReportingError,
};
pub use scheduler::{MailOutReport, Scheduler, TickSummary};
pub use startup::{serve, Application, ServeConfig};
