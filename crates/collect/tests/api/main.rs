//! The web service over real HTTP, on SQLite and on PostgreSQL.

mod helpers;
mod mail;
mod patient;
mod reports;
mod researcher;
