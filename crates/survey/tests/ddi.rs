//! The DDI Codebook 2.5 export, validated against the DDI Alliance's schema with xmllint
//! (Debian's libxml2-utils; `scripts/test.sh` installs it when absent, so its absence fails).

use std::path::Path;
use std::process::Command;

use vecu_survey::{ddi_codebook, Codebook, DdiFile, Lang, Survey};

fn example() -> Survey {
    let text = include_str!("../../../surveys/example.json");
    vecu_survey::load_str(text).expect("the example survey is valid")
}

fn shipped(name: &str) -> Survey {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../surveys")
        .join(name);
    let text = std::fs::read_to_string(path).expect("a shipped survey");
    vecu_survey::load_str(&text).expect("valid")
}

fn french() -> Lang {
    Lang::parse("fr").expect("fr")
}

/// xmllint's verdict on `xml` against the DDI Codebook 2.5 schema, without the network.
fn validate(xml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("codebook.xml");
    std::fs::write(&file, xml).expect("written");
    let schema =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ddi-codebook-2.5/codebook.xsd");
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap_or_else(|error| {
            panic!("xmllint must be installed (Debian: libxml2-utils; scripts/test.sh installs it): {error}")
        });
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn the_export_of_every_shipped_survey_is_valid_ddi_codebook_2_5() {
    for name in ["example.json", "scape-cancer.json"] {
        let survey = shipped(name);
        let codebook = Codebook::new(&survey);
        let file = DdiFile {
            name: "responses.csv",
            rows: 134,
        };
        let xml = ddi_codebook(&survey, &codebook, file, &french());
        assert_eq!(
            xml.matches("<var ").count(),
            codebook.columns.len(),
            "{name}"
        );
        validate(&xml).unwrap_or_else(|errors| panic!("{name}: {errors}"));
    }
}

#[test]
fn an_invalid_document_is_refused_so_that_validation_means_something() {
    let survey = example();
    let xml = ddi_codebook(
        &survey,
        &Codebook::new(&survey),
        DdiFile {
            name: "r.csv",
            rows: 1,
        },
        &french(),
    );
    // A category before the variable's label breaks the schema's order.
    let broken = xml.replacen("<labl>", "<catgry/><labl>", 1);
    let errors = validate(&broken).expect_err("refused");
    assert!(errors.contains("catgry"), "{errors}");
}

#[test]
fn variables_carry_questions_universes_categories_and_missing_codes_in_the_language() {
    let survey = example();
    let codebook = Codebook::new(&survey);
    let xml = ddi_codebook(
        &survey,
        &codebook,
        DdiFile {
            name: "wave.csv",
            rows: 250,
        },
        &french(),
    );
    assert!(xml.contains("xml:lang=\"fr\""));
    assert!(xml.contains("<caseQnty>250</caseQnty>"));
    assert!(xml.contains(&format!("<varQnty>{}</varQnty>", codebook.columns.len())));
    assert!(xml.contains("<fileName>wave.csv</fileName>"));
    let var = |name: &str| -> String {
        let start = xml
            .find(&format!("name=\"{name}\""))
            .unwrap_or_else(|| panic!("{name}"));
        let end = start + xml[start..].find("</var>").expect("closed");
        xml[start..end].to_owned()
    };
    let explained = var("surgery_explained");
    assert!(
        explained.contains(
            "<universe clusion=\"I\">Respondents for whom surgery = yes (vecu skip logic; \
             others were not asked)</universe>"
        ),
        "{explained}"
    );
    assert!(explained.contains("<catgry missing=\"Y\">"), "{explained}");
    assert!(explained.contains("<catValu>9</catValu>"), "{explained}");
    assert!(explained.contains("<qstnLit>"), "{explained}");
    assert!(explained.contains("type=\"character\""), "{explained}");
    let sex = var("sex");
    assert!(sex.contains("<labl>Femme</labl>"), "{sex}");
    assert!(
        !sex.contains("<universe"),
        "frame variables are everyone's: {sex}"
    );
    let overall = var("overall");
    assert!(overall.contains("intrvl=\"contin\""), "{overall}");
    assert!(overall.contains("type=\"numeric\""), "{overall}");
}
