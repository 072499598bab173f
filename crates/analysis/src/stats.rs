//! Interval formulas: Wilson for proportions, t for means, Newcombe for differences.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Confidence level of every interval vecu reports.
pub const LEVEL: f64 = 0.95;

/// An estimate with its interval, on the measure's own scale (0-1 for proportions).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Point estimate.
    pub estimate: f64,
    /// Lower end of the interval.
    pub low: f64,
    /// Upper end of the interval.
    pub high: f64,
}

impl Interval {
    /// The estimate with no interval (too few answers for one).
    pub fn point(estimate: f64) -> Interval {
        Interval {
            estimate,
            low: f64::NAN,
            high: f64::NAN,
        }
    }

    /// `estimate ± half`.
    pub fn symmetric(estimate: f64, half: f64) -> Interval {
        Interval {
            estimate,
            low: estimate - half,
            high: estimate + half,
        }
    }

    /// The same interval with every end multiplied by `factor` (0-1 to percent).
    pub fn scaled(self, factor: f64) -> Interval {
        Interval {
            estimate: self.estimate * factor,
            low: self.low * factor,
            high: self.high * factor,
        }
    }

    /// The interval cut to `[min, max]` (a proportion's interval never leaves 0-1).
    pub fn clamped(self, min: f64, max: f64) -> Interval {
        Interval {
            estimate: self.estimate,
            low: self.low.clamp(min, max),
            high: self.high.clamp(min, max),
        }
    }
}

/// The standard normal quantile: `normal_quantile(0.975)` = 1.959964.
pub fn normal_quantile(p: f64) -> f64 {
    Normal::new(0.0, 1.0).map_or(f64::NAN, |normal| normal.inverse_cdf(p))
}

/// Student's t quantile with `df` degrees of freedom (NaN when df < 1).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if df.is_infinite() {
        return normal_quantile(p);
    }
    StudentsT::new(0.0, 1.0, df).map_or(f64::NAN, |t| t.inverse_cdf(p))
}

/// Two-sided quantile for the confidence `level` (0.95 gives 1.96).
pub fn two_sided_z(level: f64) -> f64 {
    normal_quantile(1.0 - (1.0 - level) / 2.0)
}

/// Wilson score interval of `successes` out of `n` (Wilson 1927; Newcombe 1998, method 3).
pub fn wilson(successes: f64, n: f64) -> Interval {
    if n <= 0.0 {
        return Interval::point(f64::NAN);
    }
    let z = two_sided_z(LEVEL);
    let p = successes / n;
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z / (1.0 + z2n) * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt();
    Interval {
        estimate: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// Mean with a t interval from the count, sum and sum of squares of the values.
pub fn t_mean(n: f64, sum: f64, sum_squares: f64) -> Interval {
    if n <= 0.0 {
        return Interval::point(f64::NAN);
    }
    let mean = sum / n;
    if n < 2.0 {
        return Interval::point(mean);
    }
    let variance = ((sum_squares - sum * sum / n) / (n - 1.0)).max(0.0);
    let half = t_quantile(1.0 - (1.0 - LEVEL) / 2.0, n - 1.0) * (variance / n).sqrt();
    Interval::symmetric(mean, half)
}

/// Newcombe's hybrid score interval for `p2 - p1` from the two Wilson intervals
/// (Newcombe 1998, "Interval estimation for the difference between independent proportions", method 10).
pub fn newcombe_difference(first: Interval, second: Interval) -> Interval {
    let difference = second.estimate - first.estimate;
    let low = difference
        - ((second.estimate - second.low).powi(2) + (first.high - first.estimate).powi(2)).sqrt();
    let high = difference
        + ((second.high - second.estimate).powi(2) + (first.estimate - first.low).powi(2)).sqrt();
    Interval {
        estimate: difference,
        low,
        high,
    }
}

/// Logit interval of a proportion with a design-based standard error, as R's
/// `survey::svyciprop(method = "logit")` reports it: `expit(logit(p) ± t * se / (p (1 - p)))`.
pub fn logit_interval(p: f64, se: f64, df: f64) -> Interval {
    if !(0.0..=1.0).contains(&p) || p == 0.0 || p == 1.0 || df < 1.0 {
        return Interval::point(p);
    }
    let t = t_quantile(1.0 - (1.0 - LEVEL) / 2.0, df);
    let logit = (p / (1.0 - p)).ln();
    let half = t * se / (p * (1.0 - p));
    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
    Interval {
        estimate: p,
        low: expit(logit - half),
        high: expit(logit + half),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() < tolerance
    }

    #[test]
    fn quantiles_match_printed_tables() {
        assert!(close(normal_quantile(0.975), 1.959964, 1e-6));
        assert!(close(two_sided_z(0.998), 3.090232, 1e-6));
        assert!(close(t_quantile(0.975, 10.0), 2.228139, 1e-6));
        assert!(close(t_quantile(0.975, 1.0), 12.706205, 1e-5));
    }

    #[test]
    fn wilson_matches_a_hand_computation() {
        // 8 of 10: centre (0.8 + 0.19207) / 1.38415 = 0.71674, half 0.22658 (worked by hand).
        let interval = wilson(8.0, 10.0);
        assert!(close(interval.estimate, 0.8, 1e-12));
        assert!(close(interval.low, 0.49016, 1e-4), "{interval:?}");
        assert!(close(interval.high, 0.94332, 1e-4), "{interval:?}");
        // All positive: the interval stays below 1 and is not degenerate.
        let all = wilson(20.0, 20.0);
        assert!(all.high <= 1.0 && all.low < 1.0 && all.low > 0.8);
    }

    #[test]
    fn t_mean_matches_a_hand_computation() {
        // Values 6, 8, 10: mean 8, sd 2, se 1.1547, t(2) = 4.302653.
        let interval = t_mean(3.0, 24.0, 200.0);
        assert!(close(interval.estimate, 8.0, 1e-12));
        assert!(close(
            interval.high - 8.0,
            4.302653 * 2.0 / 3f64.sqrt(),
            1e-5
        ));
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe 1998, table II example (a): 56/70 - 48/80 = 0.2000, interval 0.0524 to 0.3339.
        let interval = newcombe_difference(wilson(48.0, 80.0), wilson(56.0, 70.0));
        assert!(close(interval.estimate, 0.2, 1e-12));
        assert!(close(interval.low, 0.0524, 1e-4), "{interval:?}");
        assert!(close(interval.high, 0.3339, 1e-4), "{interval:?}");
    }
}
