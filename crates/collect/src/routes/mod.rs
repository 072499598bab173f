//! Request handlers.

pub mod api;
pub mod code;
pub mod codesign;
pub mod coding;
pub mod comments;
pub mod entry;
pub mod keys;
pub mod letters;
pub mod patient;
pub mod preview;
pub mod proposals;
pub mod reports;
pub mod results;
pub mod sites;
pub mod team;
