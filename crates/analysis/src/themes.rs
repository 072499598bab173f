//! Patients' comments in figures: how often each theme and each tone comes up, overall and per
//! site, as rows of the same tidy results table as the questions' scores, with the same
//! suppression; and how far the two coders agreed, theme by theme (Cohen's kappa).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::groups::OVERALL;
use crate::kappa::{cohen_kappa, Kappa};
use crate::results::ResultRow;
use crate::stats::wilson;

/// A comment's final code, as the counts need it.
#[derive(Debug, Clone, Copy)]
pub struct ThemeCode<'a> {
    /// The comment's site.
    pub site: &'a str,
    /// Its themes.
    pub themes: &'a [String],
    /// Its tone.
    pub tone: &'a str,
}

/// `item` of a theme's rows: `theme:<id>`.
pub fn theme_item(theme: &str) -> String {
    format!("theme:{theme}")
}

/// Why a unit's comment figures are hidden.
const TOO_FEW: &str = "fewer comments than the threshold";
const SECONDARY: &str = "hidden with another site so that the overall does not reveal it";

/// Share of coded comments with each theme (`pct_theme`) and each tone (`pct_tone`, with the
/// tone as `option`), overall (`unit_kind` `overall`) and per site (`site`), with Wilson 95%
/// intervals; `n` is the unit's coded comments. A unit with fewer than `threshold` comments is
/// hidden; when only one site is, the next smallest is hidden too, so that the overall minus
/// the shown sites does not give it away.
pub fn theme_frequencies(
    codes: &[ThemeCode<'_>],
    themes: &[&str],
    tones: &[&str],
    threshold: usize,
) -> Vec<ResultRow> {
    let mut by_site: BTreeMap<&str, Vec<&ThemeCode<'_>>> = BTreeMap::new();
    for code in codes {
        by_site.entry(code.site).or_default().push(code);
    }
    let mut hidden: Vec<&str> = by_site
        .iter()
        .filter(|(_, codes)| codes.len() < threshold)
        .map(|(site, _)| *site)
        .collect();
    let mut secondary = None;
    if hidden.len() == 1 {
        secondary = by_site
            .iter()
            .filter(|(site, _)| !hidden.contains(site))
            .min_by_key(|(site, codes)| (codes.len(), **site))
            .map(|(site, _)| *site);
        hidden.extend(secondary);
    }
    let all: Vec<&ThemeCode<'_>> = codes.iter().collect();
    let units = std::iter::once((OVERALL, "all", &all))
        .chain(by_site.iter().map(|(site, codes)| ("site", *site, codes)));
    let mut rows = Vec::new();
    for (kind, unit, members) in units {
        let n = members.len() as f64;
        let reason = if kind == OVERALL {
            (members.len() < threshold).then_some(TOO_FEW)
        } else if secondary == Some(unit) {
            Some(SECONDARY)
        } else {
            hidden.contains(&unit).then_some(TOO_FEW)
        };
        let mut push = |item: String, statistic: &str, option: Option<&str>, count: usize| {
            let mut row = ResultRow::new(
                &item,
                None,
                kind,
                unit,
                statistic,
                false,
                wilson(count as f64, n).scaled(100.0),
                n,
            );
            row.option = option.map(str::to_owned);
            if let Some(reason) = reason {
                row.hide(reason);
            }
            rows.push(row);
        };
        for theme in themes {
            let count = members
                .iter()
                .filter(|code| code.themes.iter().any(|t| t == theme))
                .count();
            push(theme_item(theme), "pct_theme", None, count);
        }
        for tone in tones {
            let count = members.iter().filter(|code| code.tone == *tone).count();
            push("tone".to_owned(), "pct_tone", Some(tone), count);
        }
    }
    rows
}

/// Two coders' agreement on one theme (present or not) or on the tone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agreement {
    /// A theme id, or `tone`.
    pub about: String,
    /// Cohen's kappa with its interval.
    pub kappa: Kappa,
}

/// Kappa per theme (each coder said present or absent) and for the tone, over comments both
/// coded: `(researcher's themes, partner's themes, researcher's tone, partner's tone)`.
pub fn coding_agreement(
    pairs: &[(&[String], &[String], &str, &str)],
    themes: &[&str],
    tones: &[&str],
) -> Vec<Agreement> {
    let mut out: Vec<Agreement> = themes
        .iter()
        .map(|theme| {
            let has = |list: &[String]| usize::from(list.iter().any(|t| t == theme));
            let coded: Vec<(usize, usize)> =
                pairs.iter().map(|(a, b, _, _)| (has(a), has(b))).collect();
            Agreement {
                about: (*theme).to_owned(),
                kappa: cohen_kappa(&coded, 2),
            }
        })
        .collect();
    let index = |tone: &str| tones.iter().position(|t| *t == tone).unwrap_or(tones.len());
    let coded: Vec<(usize, usize)> = pairs
        .iter()
        .map(|(_, _, a, b)| (index(a), index(b)))
        .collect();
    out.push(Agreement {
        about: "tone".to_owned(),
        kappa: cohen_kappa(&coded, tones.len()),
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(themes: &[&str]) -> Vec<String> {
        themes.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn counts_per_site_with_primary_and_secondary_suppression() {
        let waiting = owned(&["waiting"]);
        let both = owned(&["waiting", "information"]);
        let mut codes = Vec::new();
        for _ in 0..12 {
            codes.push(ThemeCode {
                site: "H1",
                themes: &waiting,
                tone: "negative",
            });
        }
        for _ in 0..10 {
            codes.push(ThemeCode {
                site: "H2",
                themes: &both,
                tone: "mixed",
            });
        }
        for _ in 0..3 {
            codes.push(ThemeCode {
                site: "H3",
                themes: &both,
                tone: "positive",
            });
        }
        let rows = theme_frequencies(
            &codes,
            &["waiting", "information"],
            &["positive", "negative", "mixed"],
            10,
        );
        let find = |unit: &str, item: &str| {
            rows.iter()
                .find(|r| r.unit == unit && r.item == item)
                .expect("row")
        };
        let overall = find("all", "theme:information");
        assert_eq!(overall.n, Some(25));
        assert!(
            (overall.estimate.expect("shown") - 52.0).abs() < 1e-9,
            "{overall:?}"
        );
        assert!(!find("H3", "theme:waiting").is_shown(), "3 comments");
        // H3 alone hidden would be overall - H1 - H2: H2 (10, the smaller) goes too.
        assert_eq!(find("H2", "theme:waiting").suppressed, SECONDARY);
        assert!(find("H1", "theme:waiting").is_shown());
        let tone = rows
            .iter()
            .find(|r| r.unit == "H1" && r.option.as_deref() == Some("negative"))
            .expect("tone row");
        assert_eq!(tone.estimate, Some(100.0));
    }

    #[test]
    fn agreement_per_theme_and_tone() {
        let a = owned(&["waiting"]);
        let b = owned(&["waiting", "information"]);
        let none = owned(&[]);
        let pairs: Vec<(&[String], &[String], &str, &str)> = vec![
            (&a, &a, "negative", "negative"),
            (&a, &b, "negative", "mixed"),
            (&none, &none, "positive", "positive"),
            (&b, &b, "mixed", "mixed"),
        ];
        let agreement = coding_agreement(
            &pairs,
            &["waiting", "information"],
            &["positive", "negative", "mixed"],
        );
        let waiting = &agreement[0];
        assert_eq!(waiting.about, "waiting");
        // Waiting: present/absent alike on all four: kappa 1.
        assert_eq!(waiting.kappa.kappa, Some(1.0));
        // Information: (0,0), (0,1), (0,0), (1,1): p_o = 0.75, p_e = 0.75*0.5 + 0.25*0.5 = 0.5.
        assert!((agreement[1].kappa.kappa.expect("defined") - 0.5).abs() < 1e-12);
        assert_eq!(agreement[2].about, "tone");
        assert_eq!(agreement[2].kappa.n, 4);
    }
}
