//! The web service over real HTTP, on SQLite and on PostgreSQL.

mod helpers;
mod patient;
mod researcher;
