//! Request handlers.

pub mod api;
pub mod code;
pub mod entry;
pub mod letters;
pub mod patient;
pub mod reports;
pub mod team;
