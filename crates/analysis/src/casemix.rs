//! Fair comparison of sites (DOMAIN.md §3): case-mix adjustment by regression and by indirect
//! standardisation, and funnel-plot control limits.
//!
//! Both methods use the respondents whose site and case-mix variables are all known. Case-mix
//! questions (self-rated health, proxy completion...) sit in the patterns' keys after the frame
//! variables, an unanswered one as a level of its own (missing-indicator: nobody is dropped for
//! leaving it blank), so they enter both methods exactly as frame variables do.
//! - Regression (CAHPS): least squares of the measure on one indicator per site and indicators of
//!   the case-mix levels (first level as reference); the adjusted site score is the prediction
//!   for the site at the mean case-mix of all respondents. Its interval uses the classical
//!   least-squares variance `c' (X'X)⁻¹ c σ²`.
//! - Indirect standardisation: a site's expected total is the sum over its respondents of the
//!   overall mean of their case-mix stratum; adjusted = observed / expected x overall mean. Its
//!   interval takes the observed total's variance from the site's own spread.
//! - Funnel limits: overall ± z σ / √n with z = 1.96 (95%) and 3.09 (99.8%), σ² = p(1-p) for
//!   shares, the variance of all values for means (Spiegelhalter 2005, "Funnel plots for
//!   comparing institutional performance"), widened for over-dispersion in `overdispersion.rs`.

use std::collections::HashMap;

use nalgebra::{DMatrix, DVector};

use crate::dataset::MISSING;
use crate::groups::{Patterns, Sums};
use crate::stats::{t_quantile, two_sided_z, Interval, LEVEL};

/// Which frame variables define sites and case-mix.
#[derive(Debug, Clone)]
pub struct CaseMix {
    /// Index of the site variable in the dataset's frame.
    pub site: usize,
    /// Indices of the case-mix variables, and their number of levels.
    pub variables: Vec<(usize, usize)>,
    /// Number of site levels.
    pub sites: usize,
}

/// Adjusted score of one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjusted {
    /// Site level.
    pub site: u16,
    /// Respondents of the site used in the adjustment.
    pub n: f64,
    /// Regression-adjusted score, if the model could be fitted.
    pub regression: Option<Interval>,
    /// Indirectly standardised score.
    pub standardised: Option<Interval>,
}

/// Where each site and case-mix level sits in the design matrix.
struct Layout {
    site_columns: Vec<Option<usize>>,
    level_columns: Vec<Vec<Option<usize>>>,
    width: usize,
}

impl CaseMix {
    /// Patterns usable for adjustment: site and every case-mix variable known.
    fn usable(&self, key: &[u16]) -> bool {
        key[self.site] != MISSING && self.variables.iter().all(|(v, _)| key[*v] != MISSING)
    }

    /// Adjusted scores of every site with respondents.
    pub fn adjust(&self, patterns: &Patterns, sums: &Sums) -> Vec<Adjusted> {
        let regression = self.regression(patterns, sums);
        let standardised = self.standardise(patterns, sums);
        (0..self.sites as u16)
            .filter_map(|site| {
                let n: f64 = (0..patterns.len())
                    .filter(|p| {
                        self.usable(&patterns.keys[*p]) && patterns.keys[*p][self.site] == site
                    })
                    .map(|p| sums.n[p])
                    .sum();
                (n > 0.0).then(|| Adjusted {
                    site,
                    n,
                    regression: regression.as_ref().and_then(|r| r.get(&site).copied()),
                    standardised: standardised.get(&site).copied(),
                })
            })
            .collect()
    }

    /// Columns of the design matrix: one per site present, one per case-mix level present but
    /// the first (the reference).
    fn layout(&self, patterns: &Patterns, sums: &Sums) -> Layout {
        let mut present_sites = vec![false; self.sites];
        let mut present_levels: Vec<Vec<bool>> = self
            .variables
            .iter()
            .map(|(_, levels)| vec![false; *levels])
            .collect();
        for p in 0..patterns.len() {
            let key = &patterns.keys[p];
            if sums.n[p] == 0.0 || !self.usable(key) {
                continue;
            }
            present_sites[key[self.site] as usize] = true;
            for (slot, (v, _)) in self.variables.iter().enumerate() {
                present_levels[slot][key[*v] as usize] = true;
            }
        }
        let mut next = 0;
        let site_columns = present_sites
            .iter()
            .map(|present| {
                present.then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        let level_columns = present_levels
            .iter()
            .map(|levels| {
                // The first level present is the reference and gets no column.
                let mut reference_seen = false;
                levels
                    .iter()
                    .map(|present| {
                        if !present {
                            return None;
                        }
                        if !reference_seen {
                            reference_seen = true;
                            return None;
                        }
                        next += 1;
                        Some(next - 1)
                    })
                    .collect()
            })
            .collect();
        Layout {
            site_columns,
            level_columns,
            width: next,
        }
    }

    fn regression(&self, patterns: &Patterns, sums: &Sums) -> Option<HashMap<u16, Interval>> {
        let Layout {
            site_columns,
            level_columns,
            width,
        } = self.layout(patterns, sums);
        let mut xtx = DMatrix::<f64>::zeros(width, width);
        let mut xty = DVector::<f64>::zeros(width);
        let mut yty = 0.0;
        let mut rows = 0.0;
        let mut mean_x = DVector::<f64>::zeros(width);
        let mut x = vec![0usize; 1 + self.variables.len()];
        for p in 0..patterns.len() {
            let key = &patterns.keys[p];
            let n = sums.n[p];
            if n == 0.0 || !self.usable(key) {
                continue;
            }
            x.clear();
            x.extend(site_columns[key[self.site] as usize]);
            for (slot, (v, _)) in self.variables.iter().enumerate() {
                x.extend(level_columns[slot][key[*v] as usize]);
            }
            for a in &x {
                xty[*a] += sums.sum[p];
                mean_x[*a] += n;
                for b in &x {
                    xtx[(*a, *b)] += n;
                }
            }
            yty += sums.squares[p];
            rows += n;
        }
        let inverse = xtx.clone().cholesky()?.inverse();
        let beta = &inverse * &xty;
        let residual = (yty - beta.dot(&xty)).max(0.0);
        let df = rows - width as f64;
        if df < 1.0 {
            return None;
        }
        let sigma2 = residual / df;
        mean_x /= rows;
        let t = t_quantile(1.0 - (1.0 - LEVEL) / 2.0, df);
        let mut out = HashMap::new();
        for (site, column) in site_columns.iter().enumerate() {
            if column.is_none() {
                continue;
            }
            // The site's indicator, and the overall mean of every case-mix indicator.
            let mut c = mean_x.clone();
            for (other, other_column) in site_columns.iter().enumerate() {
                if let Some(other_column) = other_column {
                    c[*other_column] = if other == site { 1.0 } else { 0.0 };
                }
            }
            let estimate = c.dot(&beta);
            let variance = (c.transpose() * &inverse * &c)[(0, 0)] * sigma2;
            out.insert(
                site as u16,
                Interval::symmetric(estimate, t * variance.max(0.0).sqrt()),
            );
        }
        Some(out)
    }

    fn standardise(&self, patterns: &Patterns, sums: &Sums) -> HashMap<u16, Interval> {
        // Overall mean per case-mix stratum.
        let stratum =
            |key: &[u16]| -> Vec<u16> { self.variables.iter().map(|(v, _)| key[*v]).collect() };
        let mut strata: HashMap<Vec<u16>, (f64, f64)> = HashMap::new();
        let (mut all_n, mut all_sum) = (0.0, 0.0);
        for p in 0..patterns.len() {
            let key = &patterns.keys[p];
            if !self.usable(key) {
                continue;
            }
            let entry = strata.entry(stratum(key)).or_default();
            entry.0 += sums.n[p];
            entry.1 += sums.sum[p];
            all_n += sums.n[p];
            all_sum += sums.sum[p];
        }
        if all_n == 0.0 {
            return HashMap::new();
        }
        let overall = all_sum / all_n;
        let z = two_sided_z(LEVEL);
        let mut per_site: HashMap<u16, (f64, f64, f64, f64)> = HashMap::new();
        for p in 0..patterns.len() {
            let key = &patterns.keys[p];
            if !self.usable(key) || sums.n[p] == 0.0 {
                continue;
            }
            let (stratum_n, stratum_sum) = strata[&stratum(key)];
            let entry = per_site.entry(key[self.site]).or_default();
            entry.0 += sums.n[p];
            entry.1 += sums.sum[p];
            entry.2 += sums.squares[p];
            entry.3 += sums.n[p] * stratum_sum / stratum_n;
        }
        per_site
            .into_iter()
            .filter(|(_, (_, _, _, expected))| *expected != 0.0)
            .map(|(site, (n, observed, squares, expected))| {
                let estimate = observed / expected * overall;
                let variance_of_total = if n > 1.0 {
                    n * ((squares - observed * observed / n) / (n - 1.0)).max(0.0)
                } else {
                    f64::NAN
                };
                let se = overall * variance_of_total.sqrt() / expected;
                (site, Interval::symmetric(estimate, z * se))
            })
            .collect()
    }
}

/// Plain control limits of a funnel plot around `overall` for a unit of `n` respondents (chance
/// alone; [`crate::FunnelMethod`] allows for over-dispersion).
pub fn funnel_limits(overall: f64, sigma: f64, n: f64, level: f64) -> Interval {
    crate::FunnelMethod::Plain.limits(overall, sigma / n.sqrt(), None, level)
}

/// Outlier flag of an adjusted score against the funnel limits (99.8% first, then 95%).
pub fn funnel_flag(score: f64, limits_95: Interval, limits_998: Interval) -> &'static str {
    if score > limits_998.high {
        "above_99.8"
    } else if score < limits_998.low {
        "below_99.8"
    } else if score > limits_95.high {
        "above_95"
    } else if score < limits_95.low {
        "below_95"
    } else {
        ""
    }
}
