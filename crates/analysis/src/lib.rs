//! Analysis of vecu survey results: the wide response table read with polars, typed by the
//! survey definition and summed chunk by chunk into per-pattern sufficient statistics (memory
//! flat however many rows); % positive, problem scores, means and domain scores per unit with
//! their intervals; non-response weights with design-based intervals (as R's `survey`
//! package); case-mix adjusted site scores (frame variables and case-mix questions) with funnel
//! limits (plain, or allowing for over-dispersion); key drivers and improvement priorities;
//! changes and trends across waves; small-cell suppression that closes over domains and
//! weighted totals; the tidy results table; charts with plotters.
//!
//! It depends on the survey crate only: it can analyse any export or simulation.
#![deny(missing_docs)]

mod analyse;
mod casemix;
mod charts;
mod dataset;
mod error;
mod groups;
mod kappa;
mod keydrivers;
mod load;
mod measures;
mod overdispersion;
mod pooling;
mod results;
mod stats;
mod stream;
mod summary;
mod suppress;
mod themes;
mod trends;
mod weights;

pub use analyse::{analyse, analyse_waves, Analysis, Options, Previous, RESPONSE};
pub use casemix::{funnel_flag, funnel_limits};
pub use charts::{
    chart_svgs, chart_svgs_named, item_label, site_chart_name, theme_chart_svg, write_charts,
    ThemeChartText,
};
pub use dataset::{ColumnData, DataColumn, Dataset, FrameColumn};
pub use error::{AnalysisError, InputProblem, Result};
pub use groups::OVERALL;
pub use kappa::{cohen_kappa, Kappa};
pub use keydrivers::{fisher_interval, DRIVER, PRIORITY};
pub use load::{read_responses, read_responses_with, ReadOptions, Responses, DEFAULT_MISSING};
pub use measures::Statistic;
pub use overdispersion::{FunnelMethod, Overdispersion};
pub use results::{to_dataframe, write_results, ResultRow};
pub use stats::{logit_interval, newcombe_difference, t_mean, t_quantile, wilson, Interval};
pub use stream::{read_summary, read_summary_in_chunks, SummaryRead};
pub use summary::Summary;
pub use suppress::{suppress, DEFAULT_THRESHOLD};
pub use themes::{coding_agreement, theme_frequencies, theme_item, Agreement, ThemeCode};
pub use trends::{trend_test, Earlier, TrendTest};
pub use weights::{FrameCounts, Method, WeightedEstimate};
