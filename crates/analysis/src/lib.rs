//! Analysis of vecu survey results with polars, charts with plotters.
//!
//! Not built yet: see issue 5. The crate exists so that the workspace keeps its shape.
