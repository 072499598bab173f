//! Request handlers.

pub mod patient;
