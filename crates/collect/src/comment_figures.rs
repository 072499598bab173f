//! The store's side of the comments' figures: reads the coding the store keeps and calls
//! `vecu_analysis` for agreement between coders and for theme frequencies. Nothing here decides
//! how they are computed; it is kept here because the analysis crate does not know the store.

use vecu_analysis::{Agreement, ResultRow, ThemeCode};
use vecu_store::Store;
use vecu_survey::TONES;

use crate::reporting::ReportingError;

/// Cohen's kappa per theme of the wave's frame and for the tone, over the comments a
/// researcher and a partner both coded (flagged ones left out).
pub fn agreement(store: &Store, wave: &str) -> Result<Vec<Agreement>, ReportingError> {
    let frame = store.coding_frame(wave)?;
    let themes: Vec<&str> = frame.iter().map(|theme| theme.id.as_str()).collect();
    let pairs = store.double_coded(wave)?;
    let coded: Vec<(&[String], &[String], &str, &str)> = pairs
        .iter()
        .map(|pair| {
            (
                pair.researcher.themes.as_slice(),
                pair.partner.themes.as_slice(),
                pair.researcher.tone.as_str(),
                pair.partner.tone.as_str(),
            )
        })
        .collect();
    Ok(vecu_analysis::coding_agreement(&coded, &themes, &TONES))
}

/// Theme and tone frequencies of the wave's finally coded comments, overall and per site, as
/// result rows suppressed below `threshold` (at least the reports' floor).
pub fn theme_rows(
    store: &Store,
    wave: &str,
    threshold: u64,
) -> Result<Vec<ResultRow>, ReportingError> {
    vecu_report::check_threshold(threshold)?;
    let frame = store.coding_frame(wave)?;
    let themes: Vec<&str> = frame.iter().map(|theme| theme.id.as_str()).collect();
    let finals = store.final_codes(wave)?;
    let codes: Vec<ThemeCode<'_>> = finals
        .iter()
        .map(|code| ThemeCode {
            site: &code.site,
            themes: &code.themes,
            tone: &code.tone,
        })
        .collect();
    let threshold = usize::try_from(threshold).unwrap_or(usize::MAX);
    Ok(vecu_analysis::theme_frequencies(
        &codes, &themes, &TONES, threshold,
    ))
}
