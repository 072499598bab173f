//! Every statistic on data small enough to check by hand (the working is in the comments).
//!
//! Data set A: 8 responses to `surveys/example.json`, two sites of 4.
//!
//! | # | site | age   | sex | explained | nights | family | doctors | nurses | overall |
//! |---|------|-------|-----|-----------|--------|--------|---------|--------|---------|
//! | 1 | H1   | 18-49 | F   | 1         | 3      | 1      | 1       | 1      | 10      |
//! | 2 | H1   | 18-49 | M   | 1         | 5      | 1      | 1       | 2      | 9       |
//! | 3 | H1   | 50-69 | F   | 2         | 2      | 0      | 3       | 1      | 8       |
//! | 4 | H1   | 70+   | M   | 9         | 4      |        | 1       |        | 7       |
//! | 5 | H2   | 50-69 | F   | 1         | 1      | 0      | 2       | 2      | 6       |
//! | 6 | H2   | 70+   | F   | 3         | 6      | 1      | 4       | 4      | 5       |
//! | 7 | H2   | 70+   | M   |           |        | 0      | 1       | 1      | 9       |
//! | 8 | H2   | 18-49 | F   |           |        | 1      |         |        | 10      |
//!
//! Roles: explained 1 positive, 2 and 3 negative, 9 "don't know" (not applicable); staff
//! frequency 1 positive, 2 neutral, 3 and 4 negative; overall rating 9-10 positive, 0-6 negative.

use vecu_analysis::{
    analyse, newcombe_difference, read_responses, wilson, Analysis, AnalysisError, FrameCounts,
    Method, Options, Previous, ResultRow,
};
use vecu_survey::{Codebook, Survey};

mod support;

use support::{csv, example};

fn dataset_a() -> Vec<Vec<(&'static str, String)>> {
    #[rustfmt::skip]
    let table = [
        ["H1", "18-49", "F", "yes", "1", "3", "1", "1", "1", "10"],
        ["H1", "18-49", "M", "yes", "1", "5", "1", "1", "2", "9"],
        ["H1", "50-69", "F", "yes", "2", "2", "0", "3", "1", "8"],
        ["H1", "70+",   "M", "yes", "9", "4", "",  "1", "",  "7"],
        ["H2", "50-69", "F", "yes", "1", "1", "0", "2", "2", "6"],
        ["H2", "70+",   "F", "yes", "3", "6", "1", "4", "4", "5"],
        ["H2", "70+",   "M", "no",  "",  "",  "0", "1", "1", "9"],
        ["H2", "18-49", "F", "no",  "",  "",  "1", "",  "",  "10"],
    ];
    let columns = [
        "site",
        "age_band",
        "sex",
        "surgery",
        "surgery_explained",
        "nights",
        "support_from.family",
        "staff.doctors",
        "staff.nurses",
        "overall",
    ];
    table
        .iter()
        .map(|values| {
            let mut row: Vec<(&str, String)> = columns
                .iter()
                .zip(values)
                .map(|(column, value)| (*column, (*value).to_owned()))
                .collect();
            // The other options of an answered question: "none" when family is not ticked.
            let family = values[6];
            if !family.is_empty() {
                let none = if family == "0" { "1" } else { "0" };
                row.push(("support_from.nurse", "0".to_owned()));
                row.push(("support_from.psy", "0".to_owned()));
                row.push(("support_from.none", none.to_owned()));
            }
            row
        })
        .collect()
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

fn write(text: &str, name: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("the file is written");
    Fixture { _dir: dir, path }
}

fn run(survey: &Survey, rows: &[Vec<(&str, String)>], options: &Options) -> Analysis {
    let file = write(&csv(survey, rows), "responses.csv");
    let data = read_responses(survey, &file.path).expect("the responses load");
    analyse(survey, &data, options, None, &mut |_, _| {}).expect("the analysis runs")
}

fn shown_everything() -> Options {
    Options {
        threshold: 1,
        ..Options::default()
    }
}

fn find<'a>(
    analysis: &'a Analysis,
    item: &str,
    kind: &str,
    unit: &str,
    statistic: &str,
) -> &'a ResultRow {
    analysis
        .rows
        .iter()
        .find(|row| {
            row.item == item
                && row.unit_kind == kind
                && row.unit == unit
                && row.statistic == statistic
                && !row.weighted
        })
        .unwrap_or_else(|| panic!("no row {item} {kind} {unit} {statistic}"))
}

fn assert_near(what: &str, value: Option<f64>, expected: f64, tolerance: f64) {
    let value = value.unwrap_or_else(|| panic!("{what}: no value"));
    assert!(
        (value - expected).abs() < tolerance,
        "{what}: {value} (expected {expected})"
    );
}

#[test]
fn percent_positive_leaves_out_not_applicable_answers_and_has_a_wilson_interval() {
    let survey = example();
    let analysis = run(&survey, &dataset_a(), &shown_everything());
    // Answers 1, 1, 2, 9, 1, 3: the 9 is left out, so 3 positive of 5.
    let positive = find(
        &analysis,
        "surgery_explained",
        "overall",
        "all",
        "pct_positive",
    );
    assert_near("% positive", positive.estimate, 60.0, 1e-9);
    assert_eq!(positive.n, Some(5));
    // Wilson for 3/5: centre (0.6 + 0.38415) / 1.76829 = 0.55655, half 0.32583.
    assert_near("Wilson low", positive.ci_low, 23.0724, 1e-3);
    assert_near("Wilson high", positive.ci_high, 88.2379, 1e-3);
    let problem = find(
        &analysis,
        "surgery_explained",
        "overall",
        "all",
        "pct_problem",
    );
    assert_near("% problem", problem.estimate, 40.0, 1e-9);
    // Per site: H1 has 1, 1, 2 (and a 9): 2 of 3; H2 has 1, 3: 1 of 2.
    let h1 = find(&analysis, "surgery_explained", "site", "H1", "pct_positive");
    assert_near("H1", h1.estimate, 200.0 / 3.0, 1e-9);
    let h2 = find(&analysis, "surgery_explained", "site", "H2", "pct_positive");
    assert_near("H2", h2.estimate, 50.0, 1e-9);
}

#[test]
fn the_distribution_counts_every_answer_given() {
    let survey = example();
    let analysis = run(&survey, &dataset_a(), &shown_everything());
    // Six answers: code 1 three times, 9 once.
    let one = analysis
        .rows
        .iter()
        .find(|row| {
            row.item == "surgery_explained"
                && row.unit_kind == "overall"
                && row.statistic == "pct_option"
                && row.option.as_deref() == Some("1")
        })
        .expect("a row for code 1");
    assert_near("code 1", one.estimate, 50.0, 1e-9);
    assert_eq!(one.n, Some(6));
    let shares: f64 = analysis
        .rows
        .iter()
        .filter(|row| {
            row.item == "surgery_explained"
                && row.unit_kind == "overall"
                && row.statistic == "pct_option"
        })
        .filter_map(|row| row.estimate)
        .sum();
    assert_near("all codes", Some(shares), 100.0, 1e-9);
}

#[test]
fn ratings_get_a_mean_with_a_t_interval_and_top_and_bottom_boxes() {
    let survey = example();
    let analysis = run(&survey, &dataset_a(), &shown_everything());
    // 10 9 8 7 6 5 9 10: mean 8, variance (536 - 512) / 7 = 3.42857, se 0.65465,
    // t(7) = 2.364624, half-width 1.54801.
    let mean = find(&analysis, "overall", "overall", "all", "mean");
    assert_near("mean", mean.estimate, 8.0, 1e-12);
    assert_near("t low", mean.ci_low, 8.0 - 1.548008, 1e-5);
    assert_near("t high", mean.ci_high, 8.0 + 1.548008, 1e-5);
    // 9-10: four of eight; 0-6: two of eight.
    assert_near(
        "top box",
        find(&analysis, "overall", "overall", "all", "pct_positive").estimate,
        50.0,
        1e-9,
    );
    assert_near(
        "bottom box",
        find(&analysis, "overall", "overall", "all", "pct_problem").estimate,
        25.0,
        1e-9,
    );
    // A number: nights 3 5 2 4 1 6, mean 3.5.
    assert_near(
        "nights",
        find(&analysis, "nights", "overall", "all", "mean").estimate,
        3.5,
        1e-12,
    );
}

#[test]
fn multiple_choice_options_are_shares_of_those_who_answered() {
    let survey = example();
    let analysis = run(&survey, &dataset_a(), &shown_everything());
    // family ticked in rows 1, 2, 6, 8 of the 7 that answered (row 4 did not).
    let family = find(
        &analysis,
        "support_from.family",
        "overall",
        "all",
        "pct_selected",
    );
    assert_near("family", family.estimate, 400.0 / 7.0, 1e-9);
    assert_eq!(family.n, Some(7));
}

#[test]
fn domain_scores_average_each_respondents_items_then_respondents() {
    let survey = example();
    let analysis = run(&survey, &dataset_a(), &shown_everything());
    // communication = staff.doctors and staff.nurses, positive = 1 (neutral 2 counts 0):
    // rows 1..7: 1, 0.5, 0.5, 1 (nurses missing), 0, 0, 1; row 8 answered neither.
    // Mean 4/7 = 57.14.
    let domain = find(&analysis, "communication", "overall", "all", "domain_score");
    assert_near("communication", domain.estimate, 400.0 / 7.0, 1e-9);
    assert_eq!(domain.n, Some(7));
    // The item-level figures differ: doctors 4/7 positive, nurses 3/6.
    assert_near(
        "doctors",
        find(&analysis, "staff.doctors", "overall", "all", "pct_positive").estimate,
        400.0 / 7.0,
        1e-9,
    );
    assert_near(
        "nurses",
        find(&analysis, "staff.nurses", "overall", "all", "pct_positive").estimate,
        50.0,
        1e-9,
    );
}

#[test]
fn post_stratified_estimates_match_the_hand_computation() {
    let survey = example();
    // H1: 20 invited, 4 respondents: weight 5. H2: 10 invited, 4 respondents: weight 2.5.
    let counts = FrameCounts::parse(&survey, "site,invited\nH1,20\nH2,10\n").expect("valid counts");
    let options = Options {
        threshold: 1,
        weighting: Some((counts, Method::PostStratify)),
        ..Options::default()
    };
    let analysis = run(&survey, &dataset_a(), &options);
    let weighted = |item: &str, statistic: &str| {
        analysis
            .rows
            .iter()
            .find(|row| {
                row.item == item
                    && row.unit_kind == "overall"
                    && row.statistic == statistic
                    && row.weighted
            })
            .unwrap_or_else(|| panic!("no weighted {item}"))
    };
    // explained: H1 rows 1-3 (weight 5): 10 of 15; H2 rows 5-6 (2.5): 2.5 of 5 -> 12.5 / 20.
    assert_near(
        "weighted % positive",
        weighted("surgery_explained", "pct_positive").estimate,
        62.5,
        1e-9,
    );
    // Rating: (5 x 34 + 2.5 x 30) / 30 = 8.16667. z = w (y - p) / 30; residuals from the site
    // means of z: H1 0.25, 0.08333, -0.08333, -0.25; H2 -0.125, -0.20833, 0.125, 0.20833;
    // sum of squares 0.256944; var = 8/7 x 0.256944 = 0.293651; se 0.541896.
    let rating = weighted("overall", "mean");
    assert_near("weighted mean", rating.estimate, 245.0 / 30.0, 1e-9);
    assert_near("weighted se", rating.se, 0.541896, 1e-6);
    assert_near(
        "weighted low",
        rating.ci_low,
        245.0 / 30.0 - 1.959964 * 0.541896,
        1e-5,
    );
    // Response rates: 8 of 30 overall, 4 of 20 at H1.
    assert_near(
        "response rate",
        find(&analysis, "response", "overall", "all", "response_rate").estimate,
        800.0 / 30.0,
        1e-9,
    );
    assert_near(
        "H1 response rate",
        find(&analysis, "response", "site", "H1", "response_rate").estimate,
        20.0,
        1e-9,
    );
}

#[test]
fn raking_reaches_every_margin() {
    let survey = example();
    // Margins: site H1 20, H2 10; sex F 18, M 12. Respondents: H1 F 2, M 2; H2 F 3, M 1.
    // Raking converges to weights a_site x b_sex: with b_F = 1, b_M = x solves
    // 20 / (1 + x) + 30 / (3 + x) = 18, i.e. 9x² + 11x - 18 = 0, x = 0.929492;
    // a_H1 = 10 / (1 + x) = 5.182712, a_H2 = 10 / (3 + x) = 2.544858.
    // Men: rows 2 and 4 at H1 (9 and 7), row 7 at H2 (9):
    // (a_H1 x 16 + a_H2 x 9) x / ((2 a_H1 + a_H2) x) = 8.197119.
    let counts = FrameCounts::parse(
        &survey,
        "site,sex,invited\nH1,F,12\nH1,M,8\nH2,F,6\nH2,M,4\n",
    )
    .expect("valid counts");
    let options = Options {
        threshold: 1,
        weighting: Some((counts, Method::Rake)),
        ..Options::default()
    };
    let analysis = run(&survey, &dataset_a(), &options);
    let weighted = |kind: &str, unit: &str| {
        analysis
            .rows
            .iter()
            .find(|row| {
                row.item == "overall"
                    && row.unit_kind == kind
                    && row.unit == unit
                    && row.statistic == "mean"
                    && row.weighted
            })
            .expect("a weighted mean")
    };
    assert_near(
        "raked mean of men",
        weighted("sex", "M").estimate,
        8.197119,
        1e-5,
    );

    // Raking on one variable is post-stratification on it: same estimates, same SEs.
    let by_site = |method| {
        let counts =
            FrameCounts::parse(&survey, "site,invited\nH1,20\nH2,10\n").expect("valid counts");
        let options = Options {
            threshold: 1,
            weighting: Some((counts, method)),
            ..Options::default()
        };
        run(&survey, &dataset_a(), &options)
            .rows
            .into_iter()
            .filter(|row| row.weighted)
            .collect::<Vec<_>>()
    };
    let (raked, post_stratified) = (by_site(Method::Rake), by_site(Method::PostStratify));
    assert_eq!(raked.len(), post_stratified.len());
    for (a, b) in raked.iter().zip(&post_stratified) {
        assert_near(
            &format!("{} {}", a.item, a.unit),
            a.estimate,
            b.estimate.unwrap_or(f64::NAN),
            1e-9,
        );
        // Key-driver correlations have no design-based standard error, under either method.
        assert_eq!(a.se.is_some(), b.se.is_some(), "{} {}", a.item, a.unit);
        if a.se.is_some() {
            assert_near(
                &format!("{} {} se", a.item, a.unit),
                a.se,
                b.se.unwrap_or(f64::NAN),
                1e-9,
            );
        }
    }
}

#[test]
fn case_mix_adjustment_removes_the_effect_of_age() {
    let survey = example();
    // Rating = 5 + 3 x (age 70+) + 1 x (site H2). H1: 8 aged 18-49, 2 aged 70+; H2: the reverse.
    let mut rows = Vec::new();
    for (site, young, old, bonus) in [("H1", 8, 2, 0), ("H2", 2, 8, 1)] {
        for index in 0..(young + old) {
            let (age, base) = if index < young {
                ("18-49", 5)
            } else {
                ("70+", 8)
            };
            let sex = if index % 2 == 0 { "F" } else { "M" };
            rows.push(vec![
                ("site", site.to_owned()),
                ("age_band", age.to_owned()),
                ("sex", sex.to_owned()),
                ("overall", (base + bonus).to_string()),
            ]);
        }
    }
    let analysis = run(&survey, &rows, &shown_everything());
    // Raw means 5.6 and 7.4 mostly reflect age. The regression recovers the site effect exactly:
    // adjusted = site intercept + 3 x (share aged 70+ overall = 0.5): 6.5 and 7.5.
    assert_near(
        "raw H1",
        find(&analysis, "overall", "site", "H1", "mean").estimate,
        5.6,
        1e-9,
    );
    assert_near(
        "adjusted H1",
        find(&analysis, "overall", "site", "H1", "adjusted_mean").estimate,
        6.5,
        1e-9,
    );
    assert_near(
        "adjusted H2",
        find(&analysis, "overall", "site", "H2", "adjusted_mean").estimate,
        7.5,
        1e-9,
    );
    // Indirect standardisation: stratum means 18-49 (8 x 5 + 2 x 6) / 10 = 5.2 and
    // 70+ (2 x 8 + 8 x 9) / 10 = 8.8 (sex has no effect, so its strata agree);
    // H1 observed 56, expected 8 x 5.2 + 2 x 8.8 = 59.2; overall 7.0 -> 56 / 59.2 x 7 = 6.6216.
    // H2: 84 / 80.8 x 7 = 7.2772.
    assert_near(
        "standardised H1",
        find(&analysis, "overall", "site", "H1", "standardised_mean").estimate,
        56.0 / 59.2 * 7.0,
        1e-9,
    );
    assert_near(
        "standardised H2",
        find(&analysis, "overall", "site", "H2", "standardised_mean").estimate,
        84.0 / 80.8 * 7.0,
        1e-9,
    );
    // Funnel: sd of all 20 ratings sqrt(68 / 19) = 1.891811; at n = 10 the 95% limits are
    // 7 ± 1.959964 x 1.891811 / sqrt(10) = 7 ± 1.172541, the 99.8% ones 7 ± 1.848710.
    let limits = find(&analysis, "overall", "site", "H1", "funnel_95_mean");
    assert_near("95% low", limits.ci_low, 7.0 - 1.172541, 1e-5);
    let outer = find(&analysis, "overall", "site", "H1", "funnel_998_mean");
    assert_near("99.8% high", outer.ci_high, 7.0 + 1.848710, 1e-5);
    // Adjusted 6.5 and 7.5 lie inside the 95% limits: no flag.
    assert_eq!(
        find(&analysis, "overall", "site", "H1", "adjusted_mean").flag,
        ""
    );
}

#[test]
fn small_units_are_suppressed_with_a_secondary_cell() {
    let survey = example();
    let options = Options {
        threshold: 3,
        ..Options::default()
    };
    let analysis = run(&survey, &dataset_a(), &options);
    // Ratings by age band: 18-49 rows 1, 2, 8 (3); 50-69 rows 3, 5 (2); 70+ rows 4, 6, 7 (3).
    let age = |band: &str| find(&analysis, "overall", "age_band", band, "mean");
    assert_eq!(age("50-69").suppressed, "fewer than 3 respondents");
    assert_eq!((age("50-69").estimate, age("50-69").n), (None, None));
    // One hidden cell could be worked out from the total and the other two: the smaller of
    // them (a tie, broken by name: 18-49) is hidden too; 70+ stays.
    assert!(
        age("18-49").suppressed.starts_with("hidden so that"),
        "{:?}",
        age("18-49")
    );
    assert!(age("70+").is_shown());
    assert!(find(&analysis, "overall", "overall", "all", "mean").is_shown());
}

#[test]
fn change_since_an_earlier_wave_has_a_newcombe_interval() {
    let survey = example();
    let before_file = write(&csv(&survey, &dataset_a()), "before.csv");
    let before = read_responses(&survey, &before_file.path).expect("earlier wave loads");
    // Now every rating is 10: 8 of 8 positive, against 4 of 8 before.
    let now_rows: Vec<_> = dataset_a()
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|(column, value)| {
                    (
                        column,
                        if column == "overall" {
                            "10".to_owned()
                        } else {
                            value
                        },
                    )
                })
                .collect()
        })
        .collect();
    let now_file = write(&csv(&survey, &now_rows), "now.csv");
    let now = read_responses(&survey, &now_file.path).expect("this wave loads");
    let previous = Previous {
        survey: &survey,
        data: &before,
    };
    let analysis = analyse(
        &survey,
        &now,
        &shown_everything(),
        Some(previous),
        &mut |_, _| {},
    )
    .expect("runs");
    let change = find(
        &analysis,
        "overall",
        "overall",
        "all",
        "change_pct_positive",
    );
    let expected = newcombe_difference(wilson(4.0, 8.0), wilson(8.0, 8.0)).scaled(100.0);
    assert_near("change", change.estimate, 50.0, 1e-9);
    assert_near("change low", change.ci_low, expected.low, 1e-9);
    assert_near("change high", change.ci_high, expected.high, 1e-9);
    assert!(expected.low > 0.0 && expected.high < 100.0);
}

#[test]
fn wrong_columns_and_codes_are_reported_with_line_and_column() {
    let survey = example();
    let mut text = csv(&survey, &dataset_a());
    // An extra column, a code the question does not have (line 3), a rating of 11 (line 5).
    text = text.replacen("comments\n", "comments,patient_name\n", 1);
    let mut lines: Vec<String> = text.lines().map(|line| line.to_owned() + ",x").collect();
    lines[0] = lines[0].trim_end_matches(",x").to_owned();
    lines[2] = lines[2].replacen(",yes,1,", ",yes,7,", 1);
    lines[4] = lines[4].replacen(",7,", ",11,", 1);
    let file = write(&(lines.join("\n") + "\n"), "bad.csv");
    let error = read_responses(&survey, &file.path).expect_err("the file is refused");
    let AnalysisError::Input { problems, .. } = &error else {
        panic!("not an input error: {error}");
    };
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let message = error.to_string();
    // The extra column is set aside (with a notice), not refused.
    assert!(
        shown.iter().all(|p| !p.contains("patient_name")),
        "{message}"
    );
    assert!(
        shown.iter().any(|p| p.starts_with("line 3, column surgery_explained: \"7\" is not an answer code")),
        "{message}"
    );
    assert!(
        shown
            .iter()
            .any(|p| p.starts_with("line 5, column overall: 11 is outside 0 to 10")),
        "{message}"
    );
}

#[test]
fn a_missing_column_is_an_error_but_left_out_free_text_is_not() {
    let survey = example();
    let text = csv(&survey, &dataset_a());
    let drop = |text: &str, column: usize| -> String {
        text.lines()
            .map(|line| {
                let mut cells: Vec<&str> = line.split(',').collect();
                cells.remove(column);
                cells.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let names: Vec<String> = Codebook::new(&survey).names().map(str::to_owned).collect();
    let comments = names
        .iter()
        .position(|n| n == "comments")
        .expect("comments column");
    let without_text = write(&drop(&text, comments), "export.csv");
    assert!(read_responses(&survey, &without_text.path).is_ok());
    let overall = names
        .iter()
        .position(|n| n == "overall")
        .expect("overall column");
    let without_rating = write(&drop(&text, overall), "broken.csv");
    let error = read_responses(&survey, &without_rating.path).expect_err("refused");
    assert!(
        error.to_string().contains("column overall: missing column"),
        "{error}"
    );
}

#[test]
fn frame_count_files_are_checked() {
    let survey = example();
    let problems = FrameCounts::parse(&survey, "site,ward,invited\nH1,A,3\n").expect_err("refused");
    assert!(
        problems[0]
            .to_string()
            .contains("ward: not a frame variable"),
        "{problems:?}"
    );
    let problems =
        FrameCounts::parse(&survey, "site,invited\nH1,3\nH9,4\nH2,many\n").expect_err("refused");
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        shown.iter().any(|p| p.starts_with("line 3, column site")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|p| p.starts_with("line 4, column invited")),
        "{shown:?}"
    );
    // A site with respondents but no invited count cannot be weighted.
    let counts = FrameCounts::parse(&survey, "site,invited\nH1,20\n").expect("valid");
    let file = write(&csv(&survey, &dataset_a()), "responses.csv");
    let data = read_responses(&survey, &file.path).expect("loads");
    let options = Options {
        threshold: 1,
        weighting: Some((counts, Method::PostStratify)),
        ..Options::default()
    };
    let error = analyse(&survey, &data, &options, None, &mut |_, _| {}).expect_err("refused");
    assert!(error.to_string().contains("site=H2"), "{error}");
}
