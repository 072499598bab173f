//! The translation record beside a definition, used as a translation team would: record a
//! checked German translation, reword the French source, and see the German text flagged.

use super::{stdout, vecu, workspace};

#[test]
fn a_source_changed_after_the_check_fails_the_translation_check() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let definition = dir.path().join("survey.json");
    std::fs::copy(workspace().join("surveys/example.json"), &definition).expect("copy");
    let file = definition.to_string_lossy().into_owned();

    let recorded = vecu(&[
        "survey",
        "translations",
        &file,
        "--lang",
        "de",
        "--from",
        "fr",
        "--translated-by",
        "Anna Keller",
        "--checked-by",
        "Bruno Meier",
        "--method",
        "back-translation",
        "--on",
        "2026-11-20",
    ]);
    assert_eq!(recorded.status.code(), Some(0), "{recorded:?}");
    let log = dir.path().join("survey.translations.json");
    let record = std::fs::read_to_string(&log).expect("the record beside the definition");
    assert!(
        record.contains("\"checked_by\": \"Bruno Meier\""),
        "{record}"
    );
    assert!(
        record.contains("\"method\": \"back_translation\""),
        "{record}"
    );

    let clean = vecu(&["survey", "check", &file, "--translations"]);
    assert_eq!(clean.status.code(), Some(0), "{clean:?}");
    assert!(
        stdout(&clean).contains(": de: 48 checked, 0 not checked, 0 changed since, 0 not recorded"),
        "{}",
        stdout(&clean)
    );
    assert!(
        stdout(&clean).contains(": en: 0 checked, 0 not checked, 0 changed since, 48 not recorded"),
        "{}",
        stdout(&clean)
    );

    // The French question reworded after the German was checked.
    let text = std::fs::read_to_string(&definition).expect("read");
    let mut document: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let overall = document["sections"]
        .as_array_mut()
        .expect("sections")
        .iter_mut()
        .flat_map(|section| section["items"].as_array_mut().expect("items").iter_mut())
        .find(|item| item["id"] == "overall")
        .expect("the example has an overall rating");
    overall["text"]["fr"] = serde_json::json!("Au total, quelle note donnez-vous à vos soins ?");
    std::fs::write(&definition, document.to_string()).expect("write");

    let stale = vecu(&["survey", "check", &file, "--translations"]);
    assert_eq!(stale.status.code(), Some(1), "{stale:?}");
    let out = stdout(&stale);
    assert!(
        out.contains("/items/overall/text [de]: the fr text changed since this was translated"),
        "{out}"
    );
    assert!(!out.contains("/title [de]"), "only the changed text: {out}");

    // An unknown language is refused with the survey's languages.
    let refused = vecu(&[
        "survey",
        "translations",
        &file,
        "--lang",
        "es",
        "--from",
        "fr",
        "--translated-by",
        "X",
    ]);
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("fr, de, it, en"),
        "{refused:?}"
    );
}
