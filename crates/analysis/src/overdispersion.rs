//! Funnel limits that allow for real differences between hospitals (over-dispersion).
//!
//! Plain funnel limits (overall ± z σ / √n) assume that every site has the same true score and
//! differs only by chance. With real hospitals the scores spread far more than that, so plain
//! limits flag most sites. Spiegelhalter's remedy, as in DJ Spiegelhalter, "Funnel plots for
//! comparing institutional performance", Statistics in Medicine 24:1185-1202 (2005), §6, and
//! "Handling over-dispersion of performance indicators", Qual Saf Health Care 14:347-351 (2005):
//!
//! 1. z-scores of the I units against the target: `z_i = (y_i - θ0) / s_i`, `s_i = σ / √n_i`;
//! 2. winsorised at 10% and 90%: a z below the 10% quantile is set to it, above the 90% one to
//!    it (quantiles by linear interpolation between order statistics, R's default `type = 7`,
//!    as the NHS-R `FunnelPlotR` package does), so that the outliers being looked for do not
//!    inflate the estimate;
//! 3. over-dispersion factor `φ = (1/I) Σ z_w²`;
//! 4. either multiplicative limits `θ0 ± z √φ s_i` (inflated only when φ > 1), or additive random
//!    effects (DerSimonian-Laird moment estimate): with `w_i = 1 / s_i²`,
//!    `τ² = (I φ - (I - 1)) / (Σ w_i - Σ w_i² / Σ w_i)`, 0 when `I φ <= I - 1`, and limits
//!    `θ0 ± z √(s_i² + τ²)`.
//!
//! Random effects are the default: a national survey has large hospitals (hundreds of answers
//! each), and multiplicative limits still shrink as √n, so a large hospital is flagged for a
//! difference patients would not notice; additive limits stop shrinking at ± z τ, the spread
//! of true hospital scores. Spiegelhalter (QSHC 2005) finds the additive formulation to have the
//! "stronger conceptual foundation"; the Healthcare Commission adopted it for NHS star ratings.
//!
//! Only the sites whose adjusted scores are shown enter the estimate (this runs after
//! suppression), so φ and τ² give nothing hidden away.

use std::collections::BTreeMap;

use crate::casemix::funnel_flag;
use crate::results::ResultRow;
use crate::stats::{normal_quantile, Interval};

/// Share winsorised at each end of the z-scores (Spiegelhalter 2005: 10%).
pub const WINSORISE: f64 = 0.1;

/// Coverage of the inner and outer funnel limits.
pub const LEVELS: [f64; 2] = [0.95, 0.998];

/// How funnel limits allow for variation between units beyond chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FunnelMethod {
    /// Chance alone: overall ± z σ / √n.
    Plain,
    /// Chance times the over-dispersion factor: overall ± z √φ σ / √n (φ > 1).
    Multiplicative,
    /// Chance plus the spread of true unit scores: overall ± z √(σ² / n + τ²).
    #[default]
    RandomEffects,
}

impl FunnelMethod {
    /// Its name in the results table (`funnel_method`) and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            FunnelMethod::Plain => "plain",
            FunnelMethod::Multiplicative => "multiplicative",
            FunnelMethod::RandomEffects => "random_effects",
        }
    }

    /// The method named `name` in the results table.
    pub fn from_name(name: &str) -> Option<FunnelMethod> {
        [
            FunnelMethod::Plain,
            FunnelMethod::Multiplicative,
            FunnelMethod::RandomEffects,
        ]
        .into_iter()
        .find(|method| method.name() == name)
    }

    /// Standard deviation of a unit's score around the target under this method, for a unit
    /// whose chance standard error is `se`; plain without an estimate.
    pub fn spread(self, se: f64, estimate: Option<&Overdispersion>) -> f64 {
        match (self, estimate) {
            (FunnelMethod::Multiplicative, Some(estimate)) => se * estimate.phi.max(1.0).sqrt(),
            (FunnelMethod::RandomEffects, Some(estimate)) => (se * se + estimate.tau2).sqrt(),
            _ => se,
        }
    }

    /// Two-sided funnel limits at `level` around `target` for a unit of chance standard error
    /// `se`.
    pub fn limits(
        self,
        target: f64,
        se: f64,
        estimate: Option<&Overdispersion>,
        level: f64,
    ) -> Interval {
        let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
        Interval::symmetric(target, z * self.spread(se, estimate))
    }
}

/// Over-dispersion of the units' scores around the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overdispersion {
    /// Mean of the squared winsorised z-scores (1 when units differ by chance alone).
    pub phi: f64,
    /// Between-unit variance of true scores (additive random effects), in the scores' units
    /// squared; 0 when `I φ <= I - 1`.
    pub tau2: f64,
}

impl Overdispersion {
    /// Estimate from units' `(score, chance standard error)` around `target`; `None` with fewer
    /// than two units of finite score and positive standard error.
    pub fn estimate(target: f64, units: &[(f64, f64)]) -> Option<Overdispersion> {
        let usable: Vec<(f64, f64)> = units
            .iter()
            .copied()
            .filter(|(y, s)| y.is_finite() && s.is_finite() && *s > 0.0)
            .collect();
        if usable.len() < 2 || !target.is_finite() {
            return None;
        }
        let count = usable.len() as f64;
        let z: Vec<f64> = usable.iter().map(|(y, s)| (y - target) / s).collect();
        let mut sorted = z.clone();
        sorted.sort_by(f64::total_cmp);
        let (low, high) = (
            quantile(&sorted, WINSORISE),
            quantile(&sorted, 1.0 - WINSORISE),
        );
        let phi = z.iter().map(|z| z.clamp(low, high).powi(2)).sum::<f64>() / count;
        let weights: Vec<f64> = usable.iter().map(|(_, s)| 1.0 / (s * s)).collect();
        let sum: f64 = weights.iter().sum();
        let sum_squares: f64 = weights.iter().map(|w| w * w).sum();
        let excess = count * phi - (count - 1.0);
        let tau2 = if excess > 0.0 {
            excess / (sum - sum_squares / sum)
        } else {
            0.0
        };
        Some(Overdispersion { phi, tau2 })
    }
}

/// Quantile `p` of sorted values, linear between order statistics (R's `quantile` type 7,
/// written as R computes it: `(1 - h) x[lo] + h x[hi]`).
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let index = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (index.floor() as usize, index.ceil() as usize);
    let h = index - lo as f64;
    if h > 0.0 && sorted[hi] != sorted[lo] {
        (1.0 - h) * sorted[lo] + h * sorted[hi]
    } else {
        sorted[lo]
    }
}

/// The funnel rows of one measure: the limits per unit and the adjusted scores they judge.
#[derive(Default)]
struct Measure {
    /// Per unit: rows of the 95% and 99.8% limits, and of the adjusted score.
    units: BTreeMap<String, [Option<usize>; 3]>,
}

/// Sets the funnel limits (`funnel_95_*`, `funnel_998_*`) and the outlier flags of the adjusted
/// scores of every shown site under `method`, estimating φ and τ² per measure from the shown
/// sites; records the method, φ and τ² on the shown funnel rows. The funnel rows come in with
/// the target as estimate and the chance standard error `σ / √n` as `se`.
pub fn apply(rows: &mut [ResultRow], method: FunnelMethod) {
    let mut measures: BTreeMap<(String, String, String), Measure> = BTreeMap::new();
    for (index, row) in rows.iter().enumerate() {
        let (slot, statistic) = if let Some(rest) = row.statistic.strip_prefix("funnel_95_") {
            (0, rest)
        } else if let Some(rest) = row.statistic.strip_prefix("funnel_998_") {
            (1, rest)
        } else if let Some(rest) = row.statistic.strip_prefix("adjusted_") {
            (2, rest)
        } else {
            continue;
        };
        if row.weighted {
            continue;
        }
        let key = (
            row.item.clone(),
            row.unit_kind.clone(),
            statistic.to_owned(),
        );
        measures
            .entry(key)
            .or_default()
            .units
            .entry(row.unit.clone())
            .or_default()[slot] = Some(index);
    }
    for measure in measures.values() {
        // Shown sites with a score and a funnel: (score, chance se), and the target.
        let mut target = None;
        let mut units = Vec::new();
        for [inner, _, adjusted] in measure.units.values() {
            let (Some(inner), Some(adjusted)) = (inner, adjusted) else {
                continue;
            };
            let (limit, score) = (&rows[*inner], &rows[*adjusted]);
            if let (Some(centre), Some(se), Some(y), true) =
                (limit.estimate, limit.se, score.estimate, score.is_shown())
            {
                target = Some(centre);
                units.push((y, se));
            }
        }
        let Some(target) = target else {
            continue;
        };
        let estimate = Overdispersion::estimate(target, &units);
        let used = if estimate.is_some() {
            method
        } else {
            FunnelMethod::Plain
        };
        for [inner, outer, adjusted] in measure.units.values() {
            let mut limits = [None, None];
            for (slot, index) in [inner, outer].into_iter().enumerate() {
                let Some(row) = index.map(|index| &mut rows[index]) else {
                    continue;
                };
                let (Some(centre), Some(se)) = (row.estimate, row.se) else {
                    continue;
                };
                let interval = used.limits(centre, se, estimate.as_ref(), LEVELS[slot]);
                row.ci_low = Some(interval.low);
                row.ci_high = Some(interval.high);
                row.funnel_method = used.name().to_owned();
                row.phi = estimate.map(|estimate| estimate.phi);
                row.tau2 = estimate.map(|estimate| estimate.tau2);
                limits[slot] = Some(interval);
            }
            if let (Some(adjusted), [Some(inner), Some(outer)]) = (adjusted, limits) {
                let row = &mut rows[*adjusted];
                if let (Some(score), true) = (row.estimate, row.is_shown()) {
                    row.flag = funnel_flag(score, inner, outer).to_owned();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_interpolates_as_r_type_7() {
        // R: quantile(c(1, 2, 4, 8), c(0.1, 0.9)) = 1.3, 6.8
        let sorted = [1.0, 2.0, 4.0, 8.0];
        assert!((quantile(&sorted, 0.1) - 1.3).abs() < 1e-15);
        assert!((quantile(&sorted, 0.9) - 6.8).abs() < 1e-15);
        assert_eq!(quantile(&[5.0], 0.9), 5.0);
    }

    #[test]
    fn names_round_trip() {
        for method in [
            FunnelMethod::Plain,
            FunnelMethod::Multiplicative,
            FunnelMethod::RandomEffects,
        ] {
            assert_eq!(FunnelMethod::from_name(method.name()), Some(method));
        }
        assert_eq!(FunnelMethod::from_name("random-effects"), None);
    }

    #[test]
    fn no_estimate_from_one_unit() {
        assert_eq!(Overdispersion::estimate(0.5, &[(0.6, 0.1)]), None);
        assert_eq!(
            Overdispersion::estimate(0.5, &[(0.6, 0.1), (0.4, 0.0)]),
            None
        );
    }
}
