//! Request handlers.

pub mod api;
pub mod code;
pub mod codesign;
pub mod entry;
pub mod keys;
pub mod letters;
pub mod patient;
pub mod preview;
pub mod proposals;
pub mod reports;
pub mod sites;
pub mod team;
