//! The anonymising store of vecu (diesel; SQLite embedded, PostgreSQL for scale).
//!
//! Not built yet: see issue 3. The crate exists so that the workspace keeps its shape.
