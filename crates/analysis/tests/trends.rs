//! Changes and trends over several waves: the trend test against R's `prop.trend.test`, changes
//! since the first and the last wave with Newcombe intervals, and an earlier figure hidden in
//! its own wave's results staying hidden in every change that would give it away.

mod support;

use vecu_analysis::{
    analyse_waves, chart_svgs, newcombe_difference, wilson, Analysis, Dataset, Earlier, Options,
    ResultRow, Summary,
};
use vecu_survey::Survey;

use support::{close, dataset, example, respondent};

/// A wave of `sizes[s]` respondents at H1, H2, H3, of whom the first `positive[s]` rate their
/// care 10 (positive), the others 5.
fn wave(survey: &Survey, sizes: [usize; 3], positive: [usize; 3]) -> Dataset {
    let mut rows = Vec::new();
    for ((site, size), positive) in ["H1", "H2", "H3"].into_iter().zip(sizes).zip(positive) {
        for k in 0..size {
            rows.push(respondent(k, site, "1", if k < positive { 10 } else { 5 }));
        }
    }
    dataset(survey, &rows)
}

fn run(survey: &Survey, waves: &[Dataset], threshold: u64) -> Analysis {
    let labels = ["w1", "w2", "w3", "w4"];
    let (now, before) = waves.split_last().expect("a wave");
    let before: Vec<Summary> = before
        .iter()
        .map(|data| Summary::of(survey, data))
        .collect();
    let earlier: Vec<Earlier<'_>> = before
        .iter()
        .zip(labels)
        .map(|(data, label)| Earlier {
            label,
            survey,
            data,
        })
        .collect();
    let options = Options {
        threshold,
        ..Options::default()
    };
    analyse_waves(
        survey,
        &Summary::of(survey, now),
        &options,
        labels[before.len()],
        &earlier,
        &mut |_, _| {},
    )
    .expect("the analysis runs")
}

fn find<'a>(analysis: &'a Analysis, unit: &str, statistic: &str) -> &'a ResultRow {
    let found: Vec<&ResultRow> = analysis
        .rows
        .iter()
        .filter(|row| row.item == "overall" && row.unit == unit && row.statistic == statistic)
        .collect();
    match found[..] {
        [row] => row,
        _ => panic!("{unit} {statistic}: {} rows", found.len()),
    }
}

/// All sites: 30 of 60, 36 of 60, 45 of 62 positive. R 4.2.2:
/// `prop.trend.test(c(30, 36, 45), c(60, 60, 62))` gives X-squared 6.543229457093175 and
/// p-value 0.0105284054106291; the slope of `lm(x/n ~ seq_along(x), weights = n)` is
/// 0.11297297297297296.
#[test]
fn three_waves_give_changes_and_the_trend_test_of_r() {
    let survey = example();
    let waves = [
        wave(&survey, [20, 20, 20], [10, 10, 10]),
        wave(&survey, [20, 20, 20], [12, 12, 12]),
        wave(&survey, [21, 21, 20], [15, 15, 15]),
    ];
    let analysis = run(&survey, &waves, 10);
    assert_eq!(analysis.waves, ["w1", "w2", "w3"]);

    let trend = find(&analysis, "all", "change_per_wave_pct_positive");
    close("slope", trend.estimate, 100.0 * 0.11297297297297296, 1e-10);
    assert_eq!(trend.flag, "rising");
    assert_eq!(trend.n, Some(60), "the smallest wave");
    let p = find(&analysis, "all", "change_trend_p_pct_positive");
    close("p", p.estimate, 0.0105284054106291, 1e-15);

    let since_last = find(&analysis, "all", "change_pct_positive");
    let expected = newcombe_difference(wilson(36.0, 60.0), wilson(45.0, 62.0)).scaled(100.0);
    close("since w2", since_last.estimate, expected.estimate, 1e-10);
    close("since w2 low", since_last.ci_low, expected.low, 1e-10);
    close("since w2 high", since_last.ci_high, expected.high, 1e-10);
    let since_first = find(&analysis, "all", "change_first_pct_positive");
    let expected = newcombe_difference(wilson(30.0, 60.0), wilson(45.0, 62.0)).scaled(100.0);
    close("since w1", since_first.estimate, expected.estimate, 1e-10);
    close("since w1 low", since_first.ci_low, expected.low, 1e-10);

    // The series: each earlier wave's figure, labelled, per site too.
    let series: Vec<(Option<&str>, Option<f64>)> = analysis
        .rows
        .iter()
        .filter(|row| {
            row.item == "overall" && row.unit == "all" && row.statistic == "earlier_pct_positive"
        })
        .map(|row| (row.wave.as_deref(), row.estimate))
        .collect();
    assert_eq!(series, [(Some("w1"), Some(50.0)), (Some("w2"), Some(60.0))]);
    for site in ["H1", "H2", "H3"] {
        assert!(find(&analysis, site, "change_per_wave_pct_positive").is_shown());
    }

    // One line chart per question, all sites and each site, named in the chart's language.
    let charts = chart_svgs(&survey, &analysis, "de").expect("charts");
    let chart = charts
        .get("trend_overall")
        .expect("a trend chart of the rating");
    assert!(
        chart.contains("Prozentpunkte pro Welle"),
        "subtitle in German"
    );
    assert!(
        chart.contains("Standort H2") && chart.contains("w1"),
        "sites and waves"
    );
}

#[test]
fn two_waves_make_no_trend_and_the_change_is_since_the_last() {
    let survey = example();
    let waves = [
        wave(&survey, [20, 20, 20], [10, 10, 10]),
        wave(&survey, [20, 20, 20], [15, 15, 15]),
    ];
    let analysis = run(&survey, &waves, 10);
    assert!(find(&analysis, "all", "change_pct_positive").is_shown());
    assert!(analysis.rows.iter().all(|row| {
        row.statistic != "change_first_pct_positive"
            && row.statistic != "change_per_wave_pct_positive"
    }));
    let charts = chart_svgs(&survey, &analysis, "en").expect("charts");
    assert!(charts.keys().all(|name| !name.starts_with("trend_")));
}

/// In w1, H2 has 5 respondents: its own results hide H2 and, so that the total does not give
/// it away, H1 (the smaller of the others by name). A change of H1 since w1 would show how H1
/// went then, and with the total how H2 went: it is hidden, as is the trend that uses w1.
#[test]
fn a_figure_hidden_in_its_own_wave_stays_hidden_in_every_change() {
    let survey = example();
    let waves = [
        wave(&survey, [30, 5, 30], [15, 2, 18]),
        wave(&survey, [30, 30, 30], [16, 15, 18]),
        wave(&survey, [30, 30, 30], [20, 20, 20]),
    ];
    let analysis = run(&survey, &waves, 10);
    let earlier = |site: &str| {
        analysis
            .rows
            .iter()
            .find(|row| {
                row.item == "overall"
                    && row.unit == site
                    && row.statistic == "earlier_pct_positive"
                    && row.wave.as_deref() == Some("w1")
            })
            .unwrap_or_else(|| panic!("no w1 figure of {site}"))
    };
    assert!(!earlier("H2").is_shown() && !earlier("H1").is_shown());
    assert!(earlier("H3").is_shown());
    for statistic in [
        "change_first_pct_positive",
        "change_per_wave_pct_positive",
        "change_trend_p_pct_positive",
    ] {
        for site in ["H1", "H2"] {
            let row = find(&analysis, site, statistic);
            assert!(!row.is_shown(), "{site} {statistic}: {row:?}");
            assert!(row.suppressed.contains("wave w1"), "{}", row.suppressed);
        }
        assert!(
            find(&analysis, "H3", statistic).is_shown(),
            "H3 {statistic}"
        );
    }
    // Since w2, where every site was shown, and this wave's own figures, all shown.
    for site in ["H1", "H2", "H3"] {
        assert!(
            find(&analysis, site, "change_pct_positive").is_shown(),
            "{site}"
        );
        assert!(find(&analysis, site, "pct_positive").is_shown(), "{site}");
    }
}

/// The example survey with `change` made to its definition.
fn example_changed(change: fn(&mut serde_json::Value)) -> Survey {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/example.json");
    let text = std::fs::read_to_string(path).expect("the example survey is readable");
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    change(&mut definition);
    vecu_survey::load_str(&definition.to_string()).expect("the changed survey is valid")
}

/// Changes since an earlier wave of another version of the survey: whether `item` has them.
fn has_changes(earlier: &Survey, now: &Survey, item: &str) -> bool {
    let before = Summary::of(earlier, &wave(earlier, [20, 20, 20], [10, 10, 10]));
    let current = wave(now, [20, 20, 20], [15, 15, 15]);
    let analysis = analyse_waves(
        now,
        &Summary::of(now, &current),
        &Options::default(),
        "now",
        &[Earlier {
            label: "before",
            survey: earlier,
            data: &before,
        }],
        &mut |_, _| {},
    )
    .expect("the analysis runs");
    analysis
        .rows
        .iter()
        .any(|row| row.item == item && row.statistic == "change_pct_positive")
}

#[test]
fn a_reworded_answer_keeps_its_series_and_new_thresholds_break_it() {
    let now = example();
    // The earlier version said "Always" otherwise in German: the same answers, counted alike.
    let reworded = example_changed(|definition| {
        definition["scales"]["frequency"][0]["label"]["de"] = "Jedes Mal".into();
    });
    assert_ne!(
        vecu_survey::Codebook::new(&reworded),
        vecu_survey::Codebook::new(&now),
        "the codebooks differ by the label"
    );
    assert!(has_changes(&reworded, &now, "staff.doctors"));
    assert!(has_changes(&reworded, &now, "overall"));
    // The earlier version counted 8 as positive: its % positive counted other answers.
    let thresholds = example_changed(|definition| {
        for section in definition["sections"].as_array_mut().into_iter().flatten() {
            for item in section["items"].as_array_mut().into_iter().flatten() {
                if item["id"] == "overall" {
                    item["positive_min"] = 8.into();
                }
            }
        }
    });
    assert!(!has_changes(&thresholds, &now, "overall"));
    assert!(has_changes(&thresholds, &now, "staff.doctors"));
}
