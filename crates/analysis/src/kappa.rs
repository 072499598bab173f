//! Agreement between two coders: Cohen's kappa with its large-sample confidence interval, as
//! qualitative analysis of patients' comments reports it (DOMAIN.md §4: two coders code each
//! comment independently, agreement is kappa, disagreements are discussed).
//!
//! kappa = (p_o - p_e) / (1 - p_e) (Cohen, "A coefficient of agreement for nominal scales",
//! Educational and Psychological Measurement 1960;20:37-46). Its standard error is the
//! large-sample one of Fleiss, Cohen and Everitt ("Large sample standard errors of kappa and
//! weighted kappa", Psychological Bulletin 1969;72:323-327), the one R's `psych::cohen.kappa`
//! and `irr` report, and the interval is kappa ± 1.96 SE.

use serde::Serialize;

/// Two coders' agreement on one question (a theme present or not, a comment's tone).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kappa {
    /// Items both coded.
    pub n: usize,
    /// Proportion of items on which they agree.
    pub observed: f64,
    /// Agreement expected by chance from each coder's own proportions.
    pub expected: f64,
    /// Cohen's kappa; `None` when chance agreement is 1 (both coders gave one category to
    /// everything), where kappa is undefined.
    pub kappa: Option<f64>,
    /// Its large-sample standard error.
    pub se: Option<f64>,
    /// Lower end of the 95% interval.
    pub low: Option<f64>,
    /// Upper end of the 95% interval.
    pub high: Option<f64>,
}

/// Kappa of two coders over `pairs` (the category each gave, from 0 to `categories` - 1).
/// Pairs naming a category outside the range are left out.
pub fn cohen_kappa(pairs: &[(usize, usize)], categories: usize) -> Kappa {
    let mut table = vec![vec![0.0_f64; categories]; categories];
    let mut n = 0_usize;
    for &(a, b) in pairs {
        if a < categories && b < categories {
            table[a][b] += 1.0;
            n += 1;
        }
    }
    let empty = Kappa {
        n,
        observed: 0.0,
        expected: 0.0,
        kappa: None,
        se: None,
        low: None,
        high: None,
    };
    if n == 0 {
        return empty;
    }
    let total = n as f64;
    for row in &mut table {
        for cell in row.iter_mut() {
            *cell /= total;
        }
    }
    let rows: Vec<f64> = table.iter().map(|row| row.iter().sum()).collect();
    let columns: Vec<f64> = (0..categories)
        .map(|j| table.iter().map(|row| row[j]).sum())
        .collect();
    let observed: f64 = (0..categories).map(|i| table[i][i]).sum();
    let expected: f64 = (0..categories).map(|i| rows[i] * columns[i]).sum();
    if (1.0 - expected).abs() < 1e-12 {
        return Kappa {
            observed,
            expected,
            ..empty
        };
    }
    let kappa = (observed - expected) / (1.0 - expected);
    // Fleiss, Cohen and Everitt (1969), written as in Fleiss, Levin and Paik, "Statistical
    // methods for rates and proportions", 3rd ed., eq. 18.14.
    let mut agree = 0.0;
    let mut disagree = 0.0;
    for i in 0..categories {
        for j in 0..categories {
            let p = table[i][j];
            if i == j {
                agree += p * (1.0 - (rows[i] + columns[i]) * (1.0 - kappa)).powi(2);
            } else {
                disagree += p * (columns[i] + rows[j]).powi(2);
            }
        }
    }
    let variance = (agree + (1.0 - kappa).powi(2) * disagree
        - (kappa - expected * (1.0 - kappa)).powi(2))
        / (total * (1.0 - expected).powi(2));
    let se = variance.max(0.0).sqrt();
    Kappa {
        n,
        observed,
        expected,
        kappa: Some(kappa),
        se: Some(se),
        low: Some(kappa - 1.96 * se),
        high: Some(kappa + 1.96 * se),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(counts: &[((usize, usize), usize)]) -> Vec<(usize, usize)> {
        counts
            .iter()
            .flat_map(|&(pair, count)| std::iter::repeat_n(pair, count))
            .collect()
    }

    /// The worked example of Wikipedia's "Cohen's kappa" article: 50 grant proposals read by
    /// two readers, 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no: p_o = 0.7, p_e = 0.5, kappa = 0.4.
    /// The standard error worked by hand with Fleiss, Levin and Paik's eq. 18.14 is
    /// sqrt(0.2016 / 12.5) = 0.126996...
    #[test]
    fn the_published_worked_example() {
        let data = pairs(&[((0, 0), 20), ((0, 1), 5), ((1, 0), 10), ((1, 1), 15)]);
        let kappa = cohen_kappa(&data, 2);
        assert_eq!(kappa.n, 50);
        assert!((kappa.observed - 0.7).abs() < 1e-12);
        assert!((kappa.expected - 0.5).abs() < 1e-12);
        assert!((kappa.kappa.expect("defined") - 0.4).abs() < 1e-12);
        assert!((kappa.se.expect("defined") - (0.2016_f64 / 12.5).sqrt()).abs() < 1e-12);
        assert!((kappa.low.expect("defined") - (0.4 - 1.96 * 0.016128_f64.sqrt())).abs() < 1e-12);
    }

    /// A hand-checkable case: 10 comments, the coders agree on all but one.
    #[test]
    fn perfect_and_undefined_agreement() {
        let all_agree = pairs(&[((0, 0), 6), ((1, 1), 4)]);
        let kappa = cohen_kappa(&all_agree, 2);
        assert_eq!(kappa.kappa, Some(1.0));
        assert_eq!(kappa.se, Some(0.0));
        // One category for everything: chance agreement is 1, kappa undefined.
        let one_category = pairs(&[((1, 1), 10)]);
        assert_eq!(cohen_kappa(&one_category, 2).kappa, None);
        assert_eq!(cohen_kappa(&[], 2).kappa, None);
        // Three tones: 9 of 10 agree; p_e from the margins.
        let tones = pairs(&[((0, 0), 4), ((1, 1), 3), ((2, 2), 2), ((0, 1), 1)]);
        let kappa = cohen_kappa(&tones, 3);
        let expected = 0.5 * 0.4 + 0.3 * 0.4 + 0.2 * 0.2;
        assert!(
            (kappa.kappa.expect("defined") - (0.9 - expected) / (1.0 - expected)).abs() < 1e-12
        );
    }
}
