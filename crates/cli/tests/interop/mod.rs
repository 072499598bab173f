//! The `vecu` binary with other tools' files: tables written by R, labelled exports, imports.

use std::path::Path;
use std::process::Output;

use super::{stderr, vecu, workspace};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        workspace()
            .join("crates/analysis/tests/fixtures")
            .join(name),
    )
    .expect("fixture")
}

/// A CSV without quoted cells as R's `write.csv` writes it: row names under an empty header,
/// names and texts quoted, numbers bare, `NA` for missing cells; `extra` adds a column.
fn as_r_writes_it(text: &str, extra: Option<(&str, &str)>) -> String {
    let quoted = |cell: &str| format!("\"{cell}\"");
    let mut out = String::new();
    for (index, line) in text.lines().enumerate() {
        let mut cells: Vec<String> = line
            .split(',')
            .map(|cell| match cell {
                "" => "NA".to_owned(),
                cell if index > 0 && cell.parse::<f64>().is_ok() => cell.to_owned(),
                cell => quoted(cell),
            })
            .collect();
        let row_name = if index == 0 {
            String::new()
        } else {
            index.to_string()
        };
        cells.insert(0, quoted(&row_name));
        if let Some((name, value)) = extra {
            cells.push(if index == 0 {
                quoted(name)
            } else {
                value.to_owned()
            });
        }
        out += &(cells.join(",") + "\n");
    }
    out
}

fn analyse(dir: &Path, name: &str, responses: &Path, counts: &Path, more: &[&str]) -> Output {
    let out = dir.join(name);
    let args = [
        "analyse",
        "--survey",
        "surveys/scape-cancer.json",
        "--responses",
        &responses.display().to_string(),
        "--frame-counts",
        &counts.display().to_string(),
        "--no-charts",
        "--out",
        &out.display().to_string(),
    ];
    vecu(&[&args[..], more].concat())
}

#[test]
fn analyse_reads_what_r_writes_na_freq_row_names_and_a_weight_column() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let responses = fixture("responses.csv");
    let invited = fixture("invited.csv");
    let original = analyse(
        dir.path(),
        "original",
        &workspace().join("crates/analysis/tests/fixtures/responses.csv"),
        &workspace().join("crates/analysis/tests/fixtures/invited.csv"),
        &[],
    );
    assert!(original.status.success(), "{}", stderr(&original));

    // write.csv(responses) with a weight column; write.csv(as.data.frame(table(...))) with
    // the count as Freq, written as floats.
    // Same file name as the original: the results name the wave by it.
    std::fs::create_dir_all(dir.path().join("r")).expect("folder");
    std::fs::create_dir_all(dir.path().join("stata")).expect("folder");
    let r_responses = dir.path().join("r/responses.csv");
    std::fs::write(
        &r_responses,
        as_r_writes_it(&responses, Some(("weight", "1.5"))),
    )
    .expect("written");
    let freq = as_r_writes_it(&invited.replacen(",count\n", ",Freq\n", 1), None);
    let freq = freq
        .lines()
        .map(|line| match line.rsplit_once(',') {
            Some((cells, count)) if count.parse::<u32>().is_ok() => format!("{cells},{count}.0"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(freq.starts_with("\"\",\"site\",\"age_band\",\"Freq\"\n\"1\",\"H01\",\"18-39\",8.0"));
    let r_counts = dir.path().join("r_counts.csv");
    std::fs::write(&r_counts, freq + "\n").expect("written");

    let from_r = analyse(dir.path(), "from_r", &r_responses, &r_counts, &[]);
    assert!(from_r.status.success(), "{}", stderr(&from_r));
    let notice = stderr(&from_r);
    assert!(
        notice.contains("notice: 2 column(s) that survey scape_cancer")
            && notice.contains("not analysed: an unnamed column (R's row names")
            && notice.contains(", weight;"),
        "{notice}"
    );
    let results = |name: &str| {
        std::fs::read_to_string(dir.path().join(name).join("results.csv")).expect("results")
    };
    assert!(results("original").lines().count() > 1000);
    assert_eq!(results("from_r"), results("original"));

    // Named columns go without a notice; -99 as a missing marker instead of NA.
    let stata = dir.path().join("stata/responses.csv");
    std::fs::write(
        &stata,
        as_r_writes_it(&responses, Some(("weight", "1.5"))).replace(",NA", ",-99"),
    )
    .expect("written");
    let refused = analyse(dir.path(), "refused", &stata, &r_counts, &[]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains(
            "line 2, column diagnosis_private: \"-99\" is not an answer code of this question"
        ),
        "{}",
        stderr(&refused)
    );
    let marked = analyse(
        dir.path(),
        "marked",
        &stata,
        &r_counts,
        &["--na", "-99", "--ignore-columns", "weight,"],
    );
    assert!(marked.status.success(), "{}", stderr(&marked));
    assert!(!stderr(&marked).contains("weight"), "{}", stderr(&marked));
    assert_eq!(results("marked"), results("original"));
}

#[test]
fn export_writes_labelled_files_and_refuses_a_language_the_survey_lacks() {
    let dir = super::Sandbox::new();
    let survey = workspace().join("surveys/example.json");
    let created = super::vecu_in(
        &dir,
        None,
        &[
            "wave",
            "create",
            "--survey",
            &survey.to_string_lossy(),
            "--name",
            "spring",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let wave = super::stdout(&created).trim().to_owned();
    for step in ["open", "close"] {
        let output = super::vecu_in(&dir, None, &["wave", step, "--wave", &wave]);
        assert!(output.status.success(), "{step}: {}", stderr(&output));
    }
    let export = |format: &str, out: &str, lang: &str| {
        super::vecu_in(
            &dir,
            None,
            &[
                "export", "--wave", &wave, "--format", format, "--out", out, "--lang", lang,
            ],
        )
    };
    for (format, out) in [
        ("sav", "wave.sav"),
        ("dta", "wave.dta"),
        ("csv", "wave.csv"),
        ("ddi", "deposit.xml"),
        ("fhir", "wave.fhir.json"),
    ] {
        let output = export(format, out, "de");
        assert!(output.status.success(), "{format}: {}", stderr(&output));
        assert!(dir.path().join(out).exists(), "{out}");
    }
    let dta = std::fs::read(dir.path().join("wave.dta")).expect("dta");
    assert!(dta.starts_with(b"<stata_dta><header><release>118</release>"));
    let sav = std::fs::read(dir.path().join("wave.sav")).expect("sav");
    assert!(sav.starts_with(b"$FL2"));
    let script = std::fs::read_to_string(dir.path().join("wave.R")).expect("R script");
    assert!(script.contains("read.csv(\"wave.csv\""), "{script}");
    assert!(script.contains("\"Frau\""), "German labels: {script}");
    assert!(dir.path().join("wave.codebook.json").exists());
    let ddi = std::fs::read_to_string(dir.path().join("deposit.xml")).expect("DDI");
    assert!(
        ddi.contains("<codeBook xmlns=\"ddi:codebook:2_5\""),
        "{ddi}"
    );
    assert!(ddi.contains("<fileName>deposit.csv</fileName>"), "{ddi}");
    assert!(ddi.contains("<caseQnty>0</caseQnty>"), "{ddi}");
    assert!(dir.path().join("deposit.csv").exists());
    let fhir = std::fs::read_to_string(dir.path().join("wave.fhir.json")).expect("FHIR");
    let bundle: serde_json::Value = serde_json::from_str(&fhir).expect("JSON");
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["entry"], serde_json::json!([]));

    let refused = export("dta", "other.dta", "xx");
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--lang xx: survey example has no such language; it has"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn a_redcap_dictionary_is_imported_and_passes_check_with_what_did_not_map_listed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("imported.json");
    let output = vecu(&[
        "survey",
        "import",
        "--from",
        "redcap",
        "crates/survey/tests/fixtures/redcap/patient_experience.csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains(
            "patient_experience.csv: line 15, field bmi: field type \"calc\" has no vecu equivalent"
        ),
        "{printed}"
    );
    assert!(printed.contains("passes `vecu survey check`"), "{printed}");
    let checked = vecu(&["survey", "check", &out.display().to_string()]);
    assert!(checked.status.success(), "{}", stderr(&checked));
    let definition = std::fs::read_to_string(&out).expect("written");
    assert!(
        definition.contains("\"id\": \"patient_experience\""),
        "{definition}"
    );

    let refused = vecu(&[
        "survey",
        "import",
        "--from",
        "redcap",
        "crates/analysis/tests/fixtures/invited.csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("not a REDCap data dictionary"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn a_limesurvey_structure_is_imported_in_its_languages_and_passes_check() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("stay.json");
    let output = vecu(&[
        "survey",
        "import",
        "--from",
        "limesurvey",
        "crates/survey/tests/fixtures/limesurvey/patient_stay.lss",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("field Q7: question type \"D\" has no vecu equivalent"),
        "{printed}"
    );
    let shown = vecu(&["survey", "show", &out.display().to_string(), "--lang", "fr"]);
    assert!(shown.status.success(), "{}", stderr(&shown));
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("Votre admission était-elle prévue ?"),
        "{}",
        String::from_utf8_lossy(&shown.stdout)
    );
}
