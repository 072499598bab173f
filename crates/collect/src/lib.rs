//! The collection web service of vecu (actix-web pages for patients, JSON API for researchers).
//!
//! Not built yet: see issue 4. The crate exists so that the workspace keeps its shape.
