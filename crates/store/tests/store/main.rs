//! The store's test suite, run against SQLite and against PostgreSQL.

mod attacks;
mod comments;
mod exports;
mod fieldwork;
mod files;
mod frames;
mod helpers;
mod hospitals;
mod letters;
mod mail_queue;
mod privacy;
mod proposals;
mod rotation;
mod sessions;
mod submissions;
mod tls;
