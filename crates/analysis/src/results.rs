//! The tidy results table: one row per item (or domain) x unit x statistic, written as CSV,
//! Parquet and JSON for R, Python and spreadsheet users.

use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use crate::error::{AnalysisError, Result};
use crate::stats::Interval;

/// One figure of the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultRow {
    /// Column name of the item (`item`, `item.row`, `item.option`), a domain id, or `response`.
    pub item: String,
    /// Question number as printed on the questionnaire, if the row is about a question.
    pub question: Option<u32>,
    /// `overall`, `site` or another frame variable's id.
    pub unit_kind: String,
    /// `all` for overall, else the frame code.
    pub unit: String,
    /// What is estimated: `pct_positive`, `pct_problem`, `mean`, `pct_option`, ...
    pub statistic: String,
    /// The answer code of a `pct_option` row.
    pub option: Option<String>,
    /// True for estimates weighted to the invited sample.
    pub weighted: bool,
    /// The estimate (percentages on a 0-100 scale); empty when suppressed.
    pub estimate: Option<f64>,
    /// Lower end of the 95% interval (or control limit).
    pub ci_low: Option<f64>,
    /// Upper end of the 95% interval (or control limit).
    pub ci_high: Option<f64>,
    /// Design-based (linearised) standard error of weighted estimates; on funnel rows the
    /// chance standard error of a unit's score around the overall, `σ / √n`, before any
    /// allowance for over-dispersion.
    pub se: Option<f64>,
    /// Respondents behind the figure; empty when suppressed.
    pub n: Option<u64>,
    /// Empty, or why the figure is not shown.
    pub suppressed: String,
    /// Funnel outlier flag of adjusted site scores: `above_99.8`, `below_95`, ... or empty.
    pub flag: String,
    /// On funnel rows, how the limits allow for over-dispersion: `plain` (overall ± z se),
    /// `multiplicative` (± z √max(φ, 1) se) or `random_effects` (± z √(se² + τ²)).
    pub funnel_method: String,
    /// On funnel rows, the measure's over-dispersion factor φ (mean squared winsorised z-score
    /// of the shown sites; 1 when they differ by chance alone), whatever the method.
    pub phi: Option<f64>,
    /// On funnel rows, the measure's between-site variance τ² (in the estimate's units squared),
    /// whatever the method.
    pub tau2: Option<f64>,
    /// The label of the earlier wave an `earlier_pct_positive` row is from; empty for this
    /// wave's figures.
    pub wave: Option<String>,
}

impl ResultRow {
    /// A row with its estimate and interval (NaN ends become empty).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        item: &str,
        question: Option<u32>,
        unit_kind: &str,
        unit: &str,
        statistic: &str,
        weighted: bool,
        interval: Interval,
        n: f64,
    ) -> ResultRow {
        let finite = |value: f64| value.is_finite().then_some(value);
        ResultRow {
            item: item.to_owned(),
            question,
            unit_kind: unit_kind.to_owned(),
            unit: unit.to_owned(),
            statistic: statistic.to_owned(),
            option: None,
            weighted,
            estimate: finite(interval.estimate),
            ci_low: finite(interval.low),
            ci_high: finite(interval.high),
            se: None,
            n: Some(n.round() as u64),
            suppressed: String::new(),
            flag: String::new(),
            funnel_method: String::new(),
            phi: None,
            tau2: None,
            wave: None,
        }
    }

    /// True when the figure is shown.
    pub fn is_shown(&self) -> bool {
        self.suppressed.is_empty()
    }

    /// Puts another estimate and interval in place (NaN ends become empty).
    pub(crate) fn set_interval(&mut self, interval: Interval) {
        let finite = |value: f64| value.is_finite().then_some(value);
        self.estimate = finite(interval.estimate);
        self.ci_low = finite(interval.low);
        self.ci_high = finite(interval.high);
    }

    /// Takes every figure out of the row and says why.
    pub(crate) fn hide(&mut self, reason: &str) {
        self.estimate = None;
        self.ci_low = None;
        self.ci_high = None;
        self.se = None;
        self.n = None;
        self.flag.clear();
        self.suppressed = reason.to_owned();
    }
}

/// The rows as a polars DataFrame with typed columns.
pub fn to_dataframe(rows: &[ResultRow]) -> PolarsResult<DataFrame> {
    let text = |name: &str, get: &dyn Fn(&ResultRow) -> &str| {
        Column::new(name.into(), rows.iter().map(get).collect::<Vec<&str>>())
    };
    let number = |name: &str, get: &dyn Fn(&ResultRow) -> Option<f64>| {
        Column::new(
            name.into(),
            rows.iter().map(get).collect::<Vec<Option<f64>>>(),
        )
    };
    let columns = vec![
        text("item", &|row| &row.item),
        Column::new(
            "question".into(),
            rows.iter()
                .map(|row| row.question)
                .collect::<Vec<Option<u32>>>(),
        ),
        text("unit_kind", &|row| &row.unit_kind),
        text("unit", &|row| &row.unit),
        text("statistic", &|row| &row.statistic),
        Column::new(
            "option".into(),
            rows.iter()
                .map(|row| row.option.as_deref())
                .collect::<Vec<Option<&str>>>(),
        ),
        Column::new(
            "weighted".into(),
            rows.iter().map(|row| row.weighted).collect::<Vec<bool>>(),
        ),
        number("estimate", &|row| row.estimate),
        number("ci_low", &|row| row.ci_low),
        number("ci_high", &|row| row.ci_high),
        number("se", &|row| row.se),
        Column::new(
            "n".into(),
            rows.iter().map(|row| row.n).collect::<Vec<Option<u64>>>(),
        ),
        text("suppressed", &|row| &row.suppressed),
        text("flag", &|row| &row.flag),
        text("funnel_method", &|row| &row.funnel_method),
        number("phi", &|row| row.phi),
        number("tau2", &|row| row.tau2),
        Column::new(
            "wave".into(),
            rows.iter()
                .map(|row| row.wave.as_deref())
                .collect::<Vec<Option<&str>>>(),
        ),
    ];
    DataFrame::new(rows.len(), columns)
}

/// Writes `results.csv`, `results.parquet` and `results.json` into `dir`.
pub fn write_results(rows: &[ResultRow], dir: &Path) -> Result<()> {
    let table_error = |path: &Path| {
        let shown = path.display().to_string();
        move |source| AnalysisError::Table {
            path: shown,
            source,
        }
    };
    let create = |path: &Path| {
        std::fs::File::create(path).map_err(|source| AnalysisError::Io {
            path: path.display().to_string(),
            source,
        })
    };
    let mut frame = to_dataframe(rows).map_err(table_error(dir))?;
    let csv = dir.join("results.csv");
    // Labels come from definitions: text cells are neutralised against spreadsheet formulas.
    CsvWriter::new(create(&csv)?)
        .include_header(true)
        .finish(&mut vecu_survey::neutralise_csv_columns(&frame).map_err(table_error(&csv))?)
        .map_err(table_error(&csv))?;
    let parquet = dir.join("results.parquet");
    ParquetWriter::new(create(&parquet)?)
        .finish(&mut frame)
        .map_err(table_error(&parquet))?;
    let json = dir.join("results.json");
    let text = serde_json::to_string_pretty(rows).map_err(|error| AnalysisError::Io {
        path: json.display().to_string(),
        source: std::io::Error::other(error),
    })?;
    std::fs::write(&json, text).map_err(|source| AnalysisError::Io {
        path: json.display().to_string(),
        source,
    })
}
