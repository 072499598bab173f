//! Interval formulas: Wilson for proportions, t for means, Newcombe for differences.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use statrs::function::{beta::checked_beta_reg, erf::erfc_inv, gamma::ln_gamma};

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

/// Student's t quantile with `df` degrees of freedom (NaN when df is not positive or p is outside
/// 0-1), to about 1e-13 relative for every df (R's `qt` to 1e-12 in the tests, df 1 to 10^7).
///
/// statrs inverts the incomplete beta function in `x = df / (df + t^2)`, whose distance from 1
/// is what matters and is lost as df grows (off by 6e-5 at df 10^6, 7e-2 at 10^7). So: closed
/// forms for df 1 and 2; the Cornish-Fisher expansion in 1/df when its fifth term is negligible
/// (large df); otherwise statrs' value refined by Newton steps on the upper tail, which is
/// computed directly and never as 1 - F.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    // By symmetry, from the smaller tail: 1 - p is exact for p >= 0.5 (Sterbenz).
    if p > 0.5 {
        t_upper(1.0 - p, df)
    } else {
        -t_upper(p, df)
    }
}

/// The t with `P(T > t) = q` for `0 <= q <= 0.5`.
fn t_upper(q: f64, df: f64) -> f64 {
    if q == 0.5 {
        return 0.0;
    }
    if q == 0.0 {
        return f64::INFINITY;
    }
    // Upper normal quantile straight from erfc, accurate in the far tail too.
    let z = std::f64::consts::SQRT_2 * erfc_inv(2.0 * q);
    if df.is_infinite() {
        return z;
    }
    if df == 1.0 {
        // Cauchy: t = tan(pi (1/2 - q)) = 1 / tan(pi q).
        return 1.0 / (std::f64::consts::PI * q).tan();
    }
    if df == 2.0 {
        // F(t) = 1/2 + t / (2 sqrt(2 + t^2)), solved for t.
        return (1.0 - 2.0 * q) / (2.0 * q * (1.0 - q)).sqrt();
    }
    if let Some(t) = cornish_fisher(z, df) {
        return t;
    }
    let start = StudentsT::new(0.0, 1.0, df).map_or(z, |t| t.inverse_cdf(1.0 - q));
    newton_upper(q, df, start)
}

/// The Cornish-Fisher expansion of the t quantile in powers of 1/df around the normal quantile
/// `z`: Abramowitz and Stegun (1964) 26.7.5 to the fourth power, and the fifth term of Fisher
/// and Cornish (1960), as G. W. Hill, Algorithm 396: Student's t-quantiles, Comm. ACM 13(10),
/// 1970, uses them. None when the fifth term is not negligible: the next one, smaller by about
/// a factor df, must vanish in the rounding of the result (checked against 40-digit values for
/// p up to 0.9995: below 2e-16 relative from df = 500 on).
fn cornish_fisher(z: f64, df: f64) -> Option<f64> {
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    let g5 = (((((27.0 * z2 + 339.0) * z2 + 930.0) * z2 - 1782.0) * z2 - 765.0) * z2 + 17955.0) * z
        / 368640.0;
    let fifth = g5 / df.powi(5);
    if df < 500.0 || fifth.abs() > 1e-14 * z.abs() {
        return None;
    }
    Some(z + (g1 + (g2 + (g3 + (g4 + g5 / df) / df) / df) / df) / df)
}

/// Newton steps from `start` on `Q(t) = q`, with the upper tail `Q(t) = I_x(df/2, 1/2) / 2` at
/// `x = df / (df + t^2)` and the t density; stops when a step no longer changes t.
fn newton_upper(q: f64, df: f64, start: f64) -> f64 {
    let half_df = df / 2.0;
    let log_norm =
        ln_gamma(half_df + 0.5) - ln_gamma(half_df) - 0.5 * (df * std::f64::consts::PI).ln();
    let mut t = start;
    for _ in 0..20 {
        if !(t.is_finite() && t > 0.0) {
            break;
        }
        let x = df / (df + t * t);
        let Ok(tail) = checked_beta_reg(half_df, 0.5, x) else {
            break;
        };
        let density = (log_norm - (half_df + 0.5) * (t * t / df).ln_1p()).exp();
        let step = (tail / 2.0 - q) / density;
        let next = t + step;
        if !(next.is_finite() && next > 0.0) {
            break;
        }
        t = next;
        if step.abs() <= 4.0 * f64::EPSILON * t {
            break;
        }
    }
    t
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

    /// (p, df, quantile) from R 4.2.2: `print(qt(p, df), digits = 17)`, written as the shortest
    /// decimals of the same f64.
    const R_QT: [(f64, f64, f64); 20] = [
        (0.975, 1.0, 12.706204736174694),
        (0.975, 2.0, 4.302652729749462),
        (0.975, 5.0, 2.5705818356363137),
        (0.975, 30.0, 2.0422724563012378),
        (0.975, 1e2, 1.9839715185235516),
        (0.975, 1e3, 1.9623390808264076),
        (0.975, 1e4, 1.9602012398906257),
        (0.975, 1e5, 1.9599877075346088),
        (0.975, 1e6, 1.9599663568141066),
        (0.975, 1e7, 1.9599642217672049),
        (0.995, 1.0, 63.656741162871526),
        (0.995, 2.0, 9.92484320091829),
        (0.995, 5.0, 4.032142983555229),
        (0.995, 30.0, 2.7499956535672254),
        (0.995, 1e2, 2.625890521438018),
        (0.995, 1e3, 2.58075469806595),
        (0.995, 1e4, 2.576321046668528),
        (0.995, 1e5, 2.5758784699083743),
        (0.995, 1e6, 2.5758342201053335),
        (0.995, 1e7, 2.575829795203748),
    ];

    /// statrs alone was off by 3e-6 at df 10^5 and 7e-2 at df 10^7 here (p = 0.975).
    #[test]
    fn t_quantiles_match_r_from_df_1_to_10_million() {
        for (p, df, expected) in R_QT {
            let error = (t_quantile(p, df) - expected).abs() / expected;
            assert!(error < 1e-12, "p {p}, df {df}: relative error {error:e}");
            let lower = (t_quantile(1.0 - p, df) + expected).abs() / expected;
            assert!(
                lower < 1e-12,
                "p {}, df {df}: relative error {lower:e}",
                1.0 - p
            );
        }
    }

    #[test]
    fn t_quantile_edges() {
        assert_eq!(t_quantile(0.5, 7.0), 0.0);
        assert_eq!(t_quantile(1.0, 7.0), f64::INFINITY);
        assert_eq!(t_quantile(0.0, 7.0), f64::NEG_INFINITY);
        assert!(t_quantile(0.975, 0.0).is_nan() && t_quantile(1.5, 3.0).is_nan());
        assert!(close(
            t_quantile(0.975, f64::INFINITY),
            1.959963984540054,
            1e-15
        ));
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
