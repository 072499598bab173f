//! Request handlers.

pub mod api;
pub mod patient;
pub mod reports;
