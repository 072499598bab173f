//! The chart of patients' comments: one bar per theme, the share of coded comments that speak
//! of it with its 95% interval, hidden themes said as such. Drawn from the suppressed rows of
//! [`crate::theme_frequencies`], so nothing hidden there appears here.

use super::palette::BLUE;
use super::rows::{Mark, Row, RowChart};
use crate::error::Result;
use crate::results::ResultRow;

/// Texts of the theme chart, in the report's language.
#[derive(Debug, Clone)]
pub struct ThemeChartText<'a> {
    /// Title.
    pub title: &'a str,
    /// Line under the title (what the bars are).
    pub subtitle: &'a str,
    /// What a hidden bar says.
    pub hidden: &'a str,
}

/// An SVG bar chart of the `unit`'s theme rows (`pct_theme`), one bar per `(item, label)` in
/// the order given.
pub fn theme_chart_svg(
    rows: &[ResultRow],
    (unit_kind, unit): (&str, &str),
    themes: &[(String, String)],
    text: &ThemeChartText<'_>,
) -> Result<String> {
    let rows = themes
        .iter()
        .map(|(item, label)| {
            let row = rows.iter().find(|row| {
                row.unit_kind == unit_kind
                    && row.unit == unit
                    && row.item == *item
                    && row.statistic == "pct_theme"
            });
            let mark = match row.and_then(|row| row.estimate.map(|estimate| (row, estimate))) {
                Some((row, estimate)) => Mark::Bar {
                    value: estimate,
                    low: row.ci_low,
                    high: row.ci_high,
                    colour: BLUE,
                },
                None => Mark::Hidden(text.hidden.to_owned()),
            };
            Row {
                label: label.clone(),
                mark,
            }
        })
        .collect();
    super::render_svg(&RowChart {
        title: text.title.to_owned(),
        subtitle: vec![text.subtitle.to_owned()],
        axis_label: "%".to_owned(),
        min: 0.0,
        max: 100.0,
        absolute_ticks: false,
        reference: None,
        legend: Vec::new(),
        rows,
        decimals: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::themes::{theme_frequencies, ThemeCode};

    #[test]
    fn bars_for_shown_themes_and_words_for_hidden_ones() {
        let waiting = vec!["waiting".to_owned()];
        let codes: Vec<ThemeCode<'_>> = (0..12)
            .map(|_| ThemeCode {
                site: "H1",
                themes: &waiting,
                tone: "negative",
            })
            .collect();
        let rows = theme_frequencies(&codes, &["waiting", "information"], &["negative"], 10);
        let themes = vec![
            ("theme:waiting".to_owned(), "Attente".to_owned()),
            ("theme:information".to_owned(), "Information".to_owned()),
        ];
        let text = ThemeChartText {
            title: "Thèmes",
            subtitle: "Part des commentaires",
            hidden: "trop peu",
        };
        let shown = theme_chart_svg(&rows, ("overall", "all"), &themes, &text).expect("svg");
        assert!(shown.starts_with("<svg") && shown.contains("Attente") && shown.contains("100"));
        // H1 alone has 12 comments; a unit that does not exist shows every bar as hidden.
        let none = theme_chart_svg(&rows, ("site", "H9"), &themes, &text).expect("svg");
        assert_eq!(none.matches("trop peu").count(), 2);
    }
}
