//! Files written by other tools read as they come: R's `write.csv` (row names, quotes, `NA`),
//! pandas (whole numbers as `3.0`), extra columns, R's `Freq` counts; and every refusal still
//! names its column and line and says how to fix it.

use std::path::PathBuf;

use vecu_analysis::{
    read_responses, read_responses_with, AnalysisError, Dataset, FrameCounts, ReadOptions,
};
use vecu_survey::Survey;

mod support;

use support::{csv, example};

/// Four responses of `surveys/example.json` as vecu writes them: missing cells empty.
fn vecu_csv(survey: &Survey) -> String {
    #[rustfmt::skip]
    let rows = [
        [("site", "H1"), ("age_band", "18-49"), ("sex", "F"), ("surgery", "yes"), ("surgery_explained", "1"), ("nights", "3"), ("support_from.family", "1"), ("staff.doctors", "1"), ("overall", "10")],
        [("site", "H1"), ("age_band", "70+"),   ("sex", "M"), ("surgery", "yes"), ("surgery_explained", "9"), ("nights", "4"), ("support_from.family", ""),  ("staff.doctors", "3"), ("overall", "7")],
        [("site", "H2"), ("age_band", "50-69"), ("sex", ""),  ("surgery", "no"),  ("surgery_explained", ""),  ("nights", ""),  ("support_from.family", "0"), ("staff.doctors", "2"), ("overall", "")],
        [("site", "H2"), ("age_band", "70+"),   ("sex", "F"), ("surgery", "no"),  ("surgery_explained", ""),  ("nights", ""),  ("support_from.family", "1"), ("staff.doctors", ""),  ("overall", "9")],
    ];
    let rows: Vec<Vec<(&str, String)>> = rows
        .iter()
        .map(|row| row.iter().map(|(c, v)| (*c, (*v).to_owned())).collect())
        .collect();
    csv(survey, &rows)
}

/// The same table as R's `write.csv(read.csv(...))` writes it: an unnamed first column of row
/// names, every name and text quoted, numbers bare, `NA` for every missing cell.
fn as_r_writes_it(text: &str) -> String {
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let quoted = |cell: &str| format!("\"{cell}\"");
    let mut out = std::iter::once(String::new())
        .chain(header.split(',').map(str::to_owned))
        .map(|name| quoted(&name))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for (index, line) in lines.enumerate() {
        let cells = line.split(',').map(|cell| match cell {
            "" => "NA".to_owned(),
            cell if cell.parse::<f64>().is_ok() => cell.to_owned(),
            cell => quoted(cell),
        });
        out += &std::iter::once(quoted(&(index + 1).to_string()))
            .chain(cells)
            .collect::<Vec<_>>()
            .join(",");
        out += "\n";
    }
    out
}

/// The same table as pandas writes a column of whole numbers with gaps: `3.0`.
fn as_pandas_writes_it(text: &str) -> String {
    let mut lines = text.lines();
    let mut out = lines.next().expect("a header").to_owned() + "\n";
    for line in lines {
        let cells: Vec<String> = line
            .split(',')
            .map(|cell| match cell.parse::<u32>() {
                Ok(number) => format!("{number}.0"),
                Err(_) => cell.to_owned(),
            })
            .collect();
        out += &(cells.join(",") + "\n");
    }
    out
}

struct Fixture {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn write(text: &str, name: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("the file is written");
    Fixture { _dir: dir, path }
}

/// Everything the analysis reads of a data set, comparable.
fn shown(data: &Dataset) -> String {
    format!("{} {:?} {:?}", data.rows, data.frame, data.columns)
}

/// The problems of a refused file, one line each.
fn problems_of(error: &AnalysisError) -> Vec<String> {
    match error {
        AnalysisError::Input { problems, .. } => problems.iter().map(ToString::to_string).collect(),
        other => panic!("not an input error: {other}"),
    }
}

#[test]
fn a_table_written_by_r_reads_as_the_same_responses_with_a_notice_for_its_row_names() {
    let survey = example();
    let clean = write(&vecu_csv(&survey), "responses.csv");
    let expected = read_responses(&survey, &clean.path).expect("vecu's own file loads");
    let r_text = as_r_writes_it(&vecu_csv(&survey));
    assert!(
        r_text.starts_with("\"\",\"response_id\",\"site\""),
        "{r_text}"
    );
    assert!(r_text.contains(",NA,"), "{r_text}");
    let from_r = write(&r_text, "from_r.csv");
    let read = read_responses_with(&survey, &from_r.path, &ReadOptions::default())
        .expect("R's file loads");
    assert_eq!(shown(&read.data), shown(&expected));
    // Something was read as missing: the third patient's sex and rating.
    assert!(shown(&expected).contains("NaN"));
    assert_eq!(read.notices.len(), 1, "{:?}", read.notices);
    assert!(
        read.notices[0].contains("an unnamed column (R's row names"),
        "{:?}",
        read.notices
    );
}

#[test]
fn whole_numbers_written_as_floats_are_the_codes_they_mean() {
    let survey = example();
    let expected = read_responses(&survey, &write(&vecu_csv(&survey), "r.csv").path)
        .expect("vecu's own file loads");
    let pandas_text = as_pandas_writes_it(&vecu_csv(&survey));
    assert!(pandas_text.contains(",9.0,"), "{pandas_text}");
    let read =
        read_responses(&survey, &write(&pandas_text, "p.csv").path).expect("pandas' file loads");
    assert_eq!(shown(&read), shown(&expected));

    // A fraction that is not whole stays refused, with its line, column and the codes.
    let text = vecu_csv(&survey).replacen(",9,4,", ",9.5,4,", 1);
    let error = read_responses(&survey, &write(&text, "bad.csv").path).expect_err("refused");
    let problems = problems_of(&error);
    assert!(
        problems.iter().any(|p| p.starts_with(
            "line 3, column surgery_explained: \"9.5\" is not an answer code of this question; \
             codes: 1, 2, 3, 9; leave the cell empty or write NA when not answered"
        )),
        "{problems:?}"
    );
}

#[test]
fn extra_columns_are_set_aside_with_a_notice_unless_ignored() {
    let survey = example();
    let text = vecu_csv(&survey);
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[0] += ",weight,import_id";
    for line in &mut lines[1..] {
        *line += ",1.25,abc";
    }
    let file = write(&(lines.join("\n") + "\n"), "extra.csv");
    let expected = read_responses(&survey, &write(&text, "clean.csv").path).expect("loads");

    let read = read_responses_with(&survey, &file.path, &ReadOptions::default()).expect("loads");
    assert_eq!(shown(&read.data), shown(&expected));
    assert_eq!(read.notices.len(), 1);
    assert!(
        read.notices[0].starts_with(
            "2 column(s) that survey example version 1.0 does not have were set aside, not \
             analysed: weight, import_id;"
        ),
        "{:?}",
        read.notices
    );
    assert!(read.notices[0].contains("--ignore-columns"));

    let quiet = ReadOptions {
        ignore_columns: vec!["weight".to_owned(), "import_id".to_owned()],
        ..ReadOptions::default()
    };
    let read = read_responses_with(&survey, &file.path, &quiet).expect("loads");
    assert!(read.notices.is_empty(), "{:?}", read.notices);

    // A column of the survey cannot be ignored: it would silently lose answers.
    let wrong = ReadOptions {
        ignore_columns: vec!["overall".to_owned()],
        ..ReadOptions::default()
    };
    let error = read_responses_with(&survey, &file.path, &wrong).expect_err("refused");
    assert!(
        problems_of(&error)
            .iter()
            .any(|p| p.starts_with("column overall: a column of survey example")),
        "{error}"
    );
}

#[test]
fn other_missing_markers_replace_na_and_a_code_always_wins() {
    let survey = example();
    let text = vecu_csv(&survey)
        .replacen(",9,4,", ",-99,-99,", 1)
        .replace("H2,50-69,,", "H2,50-69,.,");
    let file = write(&text, "stata.csv");

    // By default -99 and "." are answers, refused with the way to say "not answered".
    let error = read_responses(&survey, &file.path).expect_err("refused");
    let problems = problems_of(&error);
    for expected in [
        "line 3, column surgery_explained: \"-99\" is not an answer code",
        "line 3, column nights: -99 is outside 0 to 90",
        "line 4, column sex: \".\" is not a value of frame variable sex",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(expected)),
            "{expected}: {problems:?}"
        );
    }
    assert!(
        problems
            .iter()
            .all(|p| p.contains("`vecu analyse --na` sets other markers")),
        "{problems:?}"
    );

    let markers = ReadOptions {
        missing: vec!["-99".to_owned(), ".".to_owned()],
        ..ReadOptions::default()
    };
    let read = read_responses_with(&survey, &file.path, &markers).expect("loads");
    let blank = vecu_csv(&survey).replacen(",9,4,", ",,,", 1);
    let expected = read_responses(&survey, &write(&blank, "blank.csv").path).expect("loads");
    assert_eq!(shown(&read.data), shown(&expected));

    // With "9" declared missing, the "don't know" code 9 stays code 9, but nights of 9 is missing.
    let nine = ReadOptions {
        missing: vec!["9".to_owned()],
        ..ReadOptions::default()
    };
    let read = read_responses_with(&survey, &write(&vecu_csv(&survey), "nine.csv").path, &nine)
        .expect("loads");
    let dont_know =
        read_responses(&survey, &write(&vecu_csv(&survey), "a.csv").path).expect("loads");
    let explained = |data: &Dataset| format!("{:?}", data.column("surgery_explained"));
    assert_eq!(explained(&read.data), explained(&dont_know));
}

#[test]
fn frame_counts_read_r_tables_freq_n_and_whole_floats() {
    let survey = example();
    let plain = FrameCounts::parse(&survey, "site,invited\nH1,1432\nH2,80\n").expect("plain");
    // as.data.frame(table(frame$site)) written by write.csv, and dplyr's count() via pandas.
    let r_table = "\"\",\"site\",\"Freq\"\n\"1\",\"H1\",1432\n\"2\",\"H2\",80\n";
    let dplyr = "site,n\nH1,1432.0\nH2,80.0\n";
    for text in [r_table, dplyr, "site,COUNT\nH1,1432\nH2,80\n"] {
        assert_eq!(
            FrameCounts::parse(&survey, text).expect(text),
            plain,
            "{text}"
        );
    }

    let shown = |text: &str| -> Vec<String> {
        FrameCounts::parse(&survey, text)
            .expect_err(text)
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(
        shown("site,n,Freq\nH1,1,1\n"),
        [
            "line 1: the header needs exactly one count column (invited patients per cell), named \
          invited, count, n or Freq, beside the frame variables; found n and Freq"
        ]
    );
    assert_eq!(
        shown("site,Freq\nH1,12.5\nH2,NA\n"),
        [
            "line 2, column Freq: \"12.5\" is not a whole number of invited patients; write the \
             count (0 when nobody was invited in the cell)",
            "line 3, column Freq: \"NA\" is not a whole number of invited patients; write the \
             count (0 when nobody was invited in the cell)"
        ]
    );
}
