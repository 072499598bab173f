//! Server-rendered pages (maud escapes every text). Every page works without JavaScript.

pub mod code;
pub mod codesign;
pub mod coding;
pub mod entry;
pub mod layout;
pub mod outcome;
pub mod paper;
pub mod question;
pub mod review;
pub mod team;
pub mod welcome;
