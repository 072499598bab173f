//! `vecu survey diff OLD NEW`, run as a user would: readable text, JSON with `--json`, exit 0
//! whether or not the versions differ, exit 1 with every problem for an invalid definition.

use std::path::{Path, PathBuf};

use super::{stdout, vecu, workspace};

const SHIPPED: &str = "surveys/scape-cancer.json";

/// The shipped survey with its overall rating's French text changed, written to `dir`.
fn reworded_copy(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(workspace().join(SHIPPED)).expect("shipped survey");
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let rating = definition["sections"]
        .as_array_mut()
        .expect("sections")
        .iter_mut()
        .flat_map(|section| section["items"].as_array_mut().expect("items").iter_mut())
        .find(|item| item["id"] == "overall_rating")
        .expect("the shipped survey has an overall rating");
    rating["text"]["fr"] = serde_json::json!("Globalement, quelle note donnez-vous à vos soins ?");
    let path = dir.join("new.json");
    std::fs::write(&path, definition.to_string()).expect("write");
    path
}

#[test]
fn diff_prints_each_change_and_exits_0() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let new = reworded_copy(dir.path());
    let new = new.to_string_lossy();

    let output = vecu(&["survey", "diff", SHIPPED, &new]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.lines()
            .next()
            .is_some_and(|line| line.ends_with(": 1 change")),
        "{text}"
    );
    assert!(
        text.contains(
            "item overall_rating: text reworded in fr\n    - Dans l'ensemble, quelle note \
             donnez-vous à vos soins, de 0 (très mauvais) à 10 (excellents) ?\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("    + Globalement, quelle note donnez-vous à vos soins ?\n"),
        "{text}"
    );

    let output = vecu(&["survey", "diff", SHIPPED, &new, "--json"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{json}");
    assert_eq!(
        changes[0]["subject"],
        serde_json::json!({"item": "overall_rating"})
    );
    assert_eq!(changes[0]["what"]["change"], "reworded");
    assert_eq!(changes[0]["what"]["lang"], "fr");
    assert_eq!(json["old"]["version"], "1.0");

    // The same file twice: no differences, still exit 0.
    let output = vecu(&["survey", "diff", SHIPPED, SHIPPED]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).ends_with(": no differences\n"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn diff_of_an_invalid_definition_says_where_and_exits_1() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"id": "x", "version": "1", "languages": ["fr"], "title": {"fr": "T"}, "sections": []}"#,
    )
    .expect("write");
    let output = vecu(&["survey", "diff", SHIPPED, &broken.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(errors.contains("broken.json: at /sections"), "{errors}");
    assert!(errors.contains("fix the definitions first"), "{errors}");
    assert!(output.stdout.is_empty());
}
