//! Reports of vecu surveys, co-authored with patient partners: findings built from the
//! analysis (suppressed figures stay suppressed), the co-authors' text blocks, partners'
//! priorities, approvals, methods and the contributions ledger, rendered as a self-contained
//! HTML file (inline SVG charts, print stylesheet) and as Markdown.
//!
//! The store keeps the co-authored parts and enforces the publication rules; this crate makes
//! everything else (`wave.rs`: a wave's analysis, methods, findings and draft, from the parts a
//! caller read from the store) and renders what the store holds. It does not know the store:
//! the thin adapter in vecu-collect reads it, for the CLI, the team pages and the API alike.
#![deny(missing_docs)]

mod comparison;
mod document;
mod finding;
mod patient_words;
mod public;
mod public_words;
mod render;
mod site;
mod site_html;
mod site_words;
mod threshold;
mod wave;
mod words;

pub use comparison::funnel_limits_sentence;
pub use document::{ContributionLine, Document, Methods, TextBlock};
pub use finding::{findings, Figure, Finding, FindingKind};
pub use patient_words::{
    chart_text as patient_words_chart_text, PatientWords, Quoted, SiteTheme, SiteWords, ThemeCount,
};
pub use public::{public_html, public_notice_html, PageLanguage, PublicNotice, PUBLIC_HIGHLIGHTS};
pub use render::{accessible_svg, contributions_csv, to_html, to_markdown};
pub use site::{SiteMeasure, SiteResults, Standing, HIGHLIGHTS};
pub use site_html::{site_html, site_name};
pub use threshold::{check_threshold, ReportError, THRESHOLD_FLOOR};
pub use wave::{
    analyse_wave, engagement_summary, site_weighting, Draft, EarlierWave, Fieldwork, History,
    WaveAnalysis,
};

/// How the report names post-stratification by site, in `lang`.
pub fn post_stratified_by_site(lang: &str) -> &'static str {
    words::phrase(lang, words::Phrase::PostStratifiedBySite)
}
