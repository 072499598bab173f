//! The methods' sentence on how sites are compared: which funnel limits, and the over-dispersion
//! estimated from the sites (Spiegelhalter 2005; see `vecu_analysis::FunnelMethod`).

use std::collections::BTreeSet;

use vecu_analysis::{Analysis, FunnelMethod};

use crate::words::{phrase, Phrase};

/// Which funnel limits `analysis` used, and the range and median of φ (every compared measure)
/// and of τ (measures on 0-100 scales, in points) over the measures, in `lang`; empty when no
/// sites were compared. The results table holds φ and τ² of each measure.
pub fn funnel_limits_sentence(analysis: &Analysis, lang: &str) -> String {
    let say = |which| phrase(lang, which);
    let mut measures = BTreeSet::new();
    let (mut phis, mut taus) = (Vec::new(), Vec::new());
    // Every shown funnel row of a measure carries the same φ and τ²: take the first.
    for row in analysis
        .rows
        .iter()
        .filter(|row| !row.weighted && row.is_shown() && row.statistic.starts_with("funnel_95_"))
    {
        if !measures.insert((row.item.as_str(), row.statistic.as_str())) {
            continue;
        }
        phis.extend(row.phi);
        if !row.statistic.ends_with("_mean") {
            taus.extend(row.tau2.map(f64::sqrt));
        }
    }
    if measures.is_empty() {
        return String::new();
    }
    let mut out = say(match analysis.funnel {
        FunnelMethod::Plain => Phrase::FunnelPlain,
        FunnelMethod::Multiplicative => Phrase::FunnelMultiplicative,
        FunnelMethod::RandomEffects => Phrase::FunnelRandomEffects,
    })
    .to_owned();
    out.push('.');
    if let Some(phi) = summary(&mut phis, lang) {
        // French puts a (no-break) space before the colon.
        let colon = if lang == "fr" { "\u{a0}:" } else { ":" };
        out += &format!(
            " {}{colon} {} {phi}",
            say(Phrase::FunnelEstimated),
            say(Phrase::FunnelPhi)
        );
        if let Some(tau) = summary(&mut taus, lang) {
            out += &format!(", {} {tau}", say(Phrase::FunnelTau));
        }
        out += &format!("; {} {}.", measures.len(), say(Phrase::Measures));
    }
    out
}

/// "min–max (median m)" of some values, or `None` when there are none.
fn summary(values: &mut [f64], lang: &str) -> Option<String> {
    values.sort_by(f64::total_cmp);
    let (first, last) = (values.first()?, values.last()?);
    let middle = values.len() / 2;
    let median = if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    };
    Some(format!(
        "{first:.2}–{last:.2} ({} {median:.2})",
        phrase(lang, Phrase::Median)
    ))
}
