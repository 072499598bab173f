//! The web service over real HTTP, on SQLite and on PostgreSQL.

mod code;
mod comments;
mod easy_read;
mod entry;
mod hardening;
mod helpers;
mod hospitals;
mod instances;
mod keys;
mod letters;
mod logs;
mod mail;
mod patient;
mod preview;
mod proposals;
mod public_results;
mod reports;
mod researcher;
mod roles;
mod scheduler;
mod workers;
