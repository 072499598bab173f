//! The floor of a report's suppression threshold. A report leaves the research team: every
//! figure in it must come from at least [`THRESHOLD_FLOOR`] respondents, whatever its author
//! asks for (DOMAIN.md: the GP Patient Survey of NHS England suppresses below 10).

/// The lowest suppression threshold a report accepts.
pub const THRESHOLD_FLOOR: u64 = 10;

/// Why a report cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The suppression threshold asked for is below [`THRESHOLD_FLOOR`].
    #[error(
        "the suppression threshold must be at least {floor} (asked: {asked}): a figure from fewer \
         respondents can point to a patient, and a report leaves the research team; the GP \
         Patient Survey (NHS England) suppresses below 10 too"
    )]
    ThresholdBelowFloor {
        /// The threshold asked for.
        asked: u64,
        /// [`THRESHOLD_FLOOR`].
        floor: u64,
    },
    /// The analysis failed (a chart could not be drawn, say).
    #[error(transparent)]
    Analysis(#[from] vecu_analysis::AnalysisError),
    /// Stored findings or methods are not what vecu wrote (or could not be written).
    #[error("stored report data is corrupt: {0}")]
    Corrupt(#[from] serde_json::Error),
}

/// Refuses a suppression threshold below [`THRESHOLD_FLOOR`].
pub fn check_threshold(threshold: u64) -> Result<(), ReportError> {
    if threshold < THRESHOLD_FLOOR {
        return Err(ReportError::ThresholdBelowFloor {
            asked: threshold,
            floor: THRESHOLD_FLOOR,
        });
    }
    Ok(())
}
