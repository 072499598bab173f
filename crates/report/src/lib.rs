//! Reports co-authored with patient partners.
//!
//! Not built yet: see issue 6. The crate exists so that the workspace keeps its shape.
