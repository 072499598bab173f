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

/// The report's "In patients' words" section for a wave: the overall share of coded comments
/// on each theme (hidden below `threshold`), labelled in `lang`, most frequent first, and the
/// quotes both roles approved. `None` before the wave's comments were opened for coding, and
/// for readers who may not read the coding (a hospital key reading a published report).
pub fn patient_words(
    store: &Store,
    wave: &str,
    lang: &str,
    threshold: u64,
) -> Result<Option<vecu_report::PatientWords>, ReportingError> {
    let Some(frame) = opened_frame(store, wave)? else {
        return Ok(None);
    };
    let rows = theme_rows(store, wave, threshold)?;
    let coded = store.final_codes(wave)?.len() as u64;
    let mut themes: Vec<vecu_report::ThemeCount> = frame
        .iter()
        .map(|theme| {
            let item = vecu_analysis::theme_item(&theme.id);
            let percent = rows
                .iter()
                .find(|row| row.unit_kind == vecu_analysis::OVERALL && row.item == item)
                .and_then(|row| row.estimate);
            vecu_report::ThemeCount {
                label: theme.label_in(lang).to_owned(),
                percent,
            }
        })
        .collect();
    themes.sort_by(|a, b| {
        b.percent
            .unwrap_or(-1.0)
            .total_cmp(&a.percent.unwrap_or(-1.0))
    });
    let quotes = store
        .quotes(wave, true)?
        .into_iter()
        .map(|quote| vecu_report::Quoted {
            text: quote.text,
            lang: quote.lang,
        })
        .collect();
    let (title, subtitle, hidden) = vecu_report::patient_words_chart_text(lang);
    let labelled: Vec<(String, String)> = frame
        .iter()
        .map(|theme| {
            let label = theme
                .label
                .get(lang)
                .cloned()
                .unwrap_or_else(|| theme.id.clone());
            (vecu_analysis::theme_item(&theme.id), label)
        })
        .collect();
    let chart_svg = vecu_analysis::theme_chart_svg(
        &rows,
        (vecu_analysis::OVERALL, "all"),
        &labelled,
        &vecu_analysis::ThemeChartText {
            title,
            subtitle,
            hidden,
        },
    )
    .ok();
    Ok(Some(vecu_report::PatientWords {
        coded,
        themes,
        quotes,
        chart_svg,
    }))
}

/// Each site's patients' words for its hospital report: the site's and all sites' shares of
/// coded comments per theme (suppressed as in [`theme_rows`]) and the site's approved quotes.
/// Empty before the wave's comments were opened, or for a key that may not read the coding.
pub fn site_words(
    store: &Store,
    wave: &str,
    threshold: u64,
) -> Result<std::collections::BTreeMap<String, vecu_report::SiteWords>, ReportingError> {
    let mut out = std::collections::BTreeMap::new();
    let Some(frame) = opened_frame(store, wave)? else {
        return Ok(out);
    };
    let rows = theme_rows(store, wave, threshold)?;
    let quotes = store.quotes(wave, true)?;
    let share = |unit_kind: &str, unit: &str, item: &str| {
        rows.iter()
            .find(|row| row.unit_kind == unit_kind && row.unit == unit && row.item == item)
            .and_then(|row| row.estimate)
    };
    let sites: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter(|row| row.unit_kind == "site")
        .map(|row| row.unit.as_str())
        .collect();
    for site in sites {
        let coded = rows
            .iter()
            .find(|row| row.unit_kind == "site" && row.unit == site)
            .and_then(|row| row.n)
            .unwrap_or_default();
        let themes = frame
            .iter()
            .map(|theme| {
                let item = vecu_analysis::theme_item(&theme.id);
                vecu_report::SiteTheme {
                    label: theme.label.clone(),
                    percent: share("site", site, &item),
                    all_sites: share(vecu_analysis::OVERALL, "all", &item),
                }
            })
            .collect();
        let site_quotes = quotes
            .iter()
            .filter(|quote| quote.site == site)
            .map(|quote| vecu_report::Quoted {
                text: quote.text.clone(),
                lang: quote.lang.clone(),
            })
            .collect();
        out.insert(
            site.to_owned(),
            vecu_report::SiteWords {
                coded,
                themes,
                quotes: site_quotes,
            },
        );
    }
    Ok(out)
}

/// The wave's coding frame, if its comments were opened and the store lets this key read it.
fn opened_frame(
    store: &Store,
    wave: &str,
) -> Result<Option<Vec<vecu_survey::Theme>>, ReportingError> {
    match store.coding_frame(wave) {
        Ok(frame) if frame.is_empty() => Ok(None),
        Ok(frame) => Ok(Some(frame)),
        Err(vecu_store::StoreError::NotAllowed(_)) => Ok(None),
        Err(error) => Err(error.into()),
    }
}
