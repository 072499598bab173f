//! Labelled exports read back: Stata `.dta` by the `dta` crate (an independent reader), SPSS
//! `.sav` by `ambers`, with every label in the chosen language and the "don't know" codes
//! declared missing; the R script's factors. (Checked once by hand with R's haven 2.5.1,
//! PSPP 1.6.2 and ReadStat 1.1.8: see the README.)

use std::collections::BTreeMap;
use std::io::Cursor;

use arrow::array::{Array, Float64Array, StringArray, StringViewArray};
use dta::stata::dta::dta_reader::DtaReader;
use dta::stata::dta::value::Value as DtaValue;
use dta::stata::stata_double::StataDouble;
use vecu_survey::{
    labelled_variables, r_script, spss_sav, stata_dta, Cell, Codebook, LabelledVariable, Lang,
    Storage, Survey,
};

fn example() -> Survey {
    let text = include_str!("../../../surveys/example.json");
    vecu_survey::load_str(text).expect("the example survey is valid")
}

/// 40 simulated responses, one with a frame value grouped into `other` as k-anonymous exports do.
fn rows(survey: &Survey, codebook: &Codebook) -> Vec<Vec<Cell>> {
    let mut rows: Vec<Vec<Cell>> = vecu_survey::simulate(survey, 40, 7)
        .iter()
        .map(|response| codebook.row(&response.response_id, &response.frame, &response.answers))
        .collect();
    let age = codebook
        .names()
        .position(|name| name == "age_band")
        .expect("age_band");
    rows[3][age] = Cell::Text("other".to_owned());
    rows
}

fn french() -> Lang {
    Lang::parse("fr").expect("fr")
}

/// What every stored cell should read back as: a number (None when missing) or a text.
fn expected(variable: &LabelledVariable, cell: &Cell) -> Result<Option<f64>, String> {
    match (&variable.storage, cell) {
        (Storage::Text, Cell::Text(text)) => Err(text.clone()),
        (Storage::Text, _) => Err(String::new()),
        (Storage::Labelled(values), Cell::Text(code)) => Ok(Some(f64::from(
            values
                .iter()
                .find(|value| &value.code == code)
                .expect("every code is labelled")
                .number,
        ))),
        (_, Cell::Integer(number)) => Ok(Some(*number as f64)),
        (_, Cell::Float(number)) => Ok(Some(*number)),
        (_, _) => Ok(None),
    }
}

#[test]
fn variables_are_numbered_by_their_codes_or_in_order_and_named_for_stata() {
    let survey = example();
    let codebook = Codebook::new(&survey);
    let rows = rows(&survey, &codebook);
    let variables = labelled_variables(&codebook, &rows, &french());
    let find = |column: &str| {
        variables
            .iter()
            .find(|variable| variable.column == column)
            .expect(column)
    };
    let numbers = |column: &str| match &find(column).storage {
        Storage::Labelled(values) => values
            .iter()
            .map(|value| (value.number, value.code.clone(), value.not_applicable))
            .collect::<Vec<_>>(),
        other => panic!("{column} is {other:?}"),
    };
    // Codes that are numbers keep them; "don't know" (9) is not applicable.
    assert_eq!(
        numbers("surgery_explained"),
        [
            (1, "1".to_owned(), false),
            (2, "2".to_owned(), false),
            (3, "3".to_owned(), false),
            (9, "9".to_owned(), true)
        ]
    );
    // Other codes are numbered in order; `other` from the export comes last.
    let age = numbers("age_band");
    assert_eq!(age.last(), Some(&(4, "other".to_owned(), false)), "{age:?}");
    assert_eq!(age[0], (1, "18-49".to_owned(), false));
    // item.option columns are item_option, ticks labelled in French.
    let family = find("support_from.family");
    assert_eq!(family.name, "support_from_family");
    match &family.storage {
        Storage::Labelled(values) => {
            assert_eq!(values[1].label, "coché");
            assert_eq!(values[0].label, "non coché");
        }
        other => panic!("{other:?}"),
    }
    assert!(variables
        .iter()
        .all(|variable| variable.name.len() <= 32 && !variable.name.contains('.')));
}

#[test]
fn stata_file_reads_back_with_every_label_and_value() {
    let survey = example();
    let codebook = Codebook::new(&survey);
    let rows = rows(&survey, &codebook);
    let lang = french();
    let variables = labelled_variables(&codebook, &rows, &lang);
    let bytes = stata_dta(&codebook, &rows, &lang).expect("written");

    let schema_reader = DtaReader::new()
        .from_reader(Cursor::new(bytes))
        .read_header()
        .expect("header");
    let header = schema_reader.header().clone();
    assert_eq!(header.observation_count(), rows.len() as u64);
    assert_eq!(header.variable_count() as usize, variables.len());
    assert_eq!(header.dataset_label(), "example 1.0");
    let mut characteristics = schema_reader.read_schema().expect("schema");
    characteristics.skip_to_end().expect("characteristics");
    let mut records = characteristics.into_record_reader().expect("records");
    let schema = records.schema().clone();
    for (read, variable) in schema.variables().iter().zip(&variables) {
        assert_eq!(read.name(), variable.name);
        let label: String = variable.label.chars().take(80).collect();
        assert_eq!(read.label(), label, "{}", variable.column);
        let label_set = match variable.storage {
            Storage::Labelled(_) => variable.name.as_str(),
            _ => "",
        };
        assert_eq!(read.value_label_name(), label_set);
    }
    let mut row = 0;
    let mut missing = 0;
    while let Some(record) = records.read_record().expect("a record") {
        for ((variable, value), cell) in variables.iter().zip(record.values()).zip(&rows[row]) {
            let got = match value {
                DtaValue::Double(StataDouble::Present(number)) => Ok(Some(*number)),
                DtaValue::Double(StataDouble::Missing(_)) => Ok(None),
                DtaValue::String(text) => Err(text.to_string()),
                other => panic!("{other:?}"),
            };
            missing += usize::from(got == Ok(None));
            assert_eq!(
                got,
                expected(variable, cell),
                "row {row} {}",
                variable.column
            );
        }
        row += 1;
    }
    assert_eq!(row, rows.len());
    assert!(missing > 0, "some cells are empty (skipped questions)");

    let mut long_strings = records.into_long_string_reader().expect("strLs");
    long_strings.skip_to_end().expect("strLs");
    let mut label_reader = long_strings.into_value_label_reader().expect("labels");
    let mut sets = BTreeMap::new();
    while let Some(set) = label_reader.read_value_label_set().expect("a label set") {
        let entries: Vec<(i32, String)> = set
            .entries()
            .iter()
            .map(|entry| (entry.value(), entry.label().to_owned()))
            .collect();
        sets.insert(set.name().to_owned(), entries);
    }
    let mut labelled = 0;
    for variable in &variables {
        if let Storage::Labelled(values) = &variable.storage {
            let want: Vec<(i32, String)> = values
                .iter()
                .map(|value| (value.number, value.label.clone()))
                .collect();
            assert_eq!(sets.get(&variable.name), Some(&want), "{}", variable.name);
            labelled += 1;
        }
    }
    assert_eq!(sets.len(), labelled);
    // The French labels, not the English ones.
    let sex = &sets["sex"];
    assert!(sex.iter().any(|(_, label)| label == "Femme"), "{sex:?}");
}

#[test]
fn spss_file_reads_back_with_labels_and_declared_missing_values() {
    let survey = example();
    let codebook = Codebook::new(&survey);
    let rows = rows(&survey, &codebook);
    let lang = Lang::parse("de").expect("de");
    let variables = labelled_variables(&codebook, &rows, &lang);
    let bytes = spss_sav(&codebook, &rows, &lang).expect("written");
    let (batch, meta) = ambers::read_sav_from_reader(Cursor::new(bytes)).expect("read back");
    assert_eq!(batch.num_rows(), rows.len());
    assert_eq!(meta.variable_names.len(), variables.len());
    for (index, variable) in variables.iter().enumerate() {
        assert_eq!(meta.variable_names[index], variable.name);
        assert_eq!(
            meta.label(&variable.name),
            Some(variable.label.as_str()),
            "{}",
            variable.column
        );
        let column = batch.column(index);
        for (row, cell) in rows.iter().enumerate() {
            let got = match column.as_any().downcast_ref::<Float64Array>() {
                Some(numbers) => Ok((!numbers.is_null(row)).then(|| numbers.value(row))),
                None => {
                    let any = column.as_any();
                    let text = match any.downcast_ref::<StringArray>() {
                        Some(texts) => texts.value(row),
                        None => any
                            .downcast_ref::<StringViewArray>()
                            .expect("numbers or texts")
                            .value(row),
                    };
                    Err(text.trim_end().to_owned())
                }
            };
            assert_eq!(got, expected(variable, &cell[index]), "{}", variable.column);
        }
        match &variable.storage {
            Storage::Labelled(values) => {
                let read = meta.value_labels(&variable.name).expect("value labels");
                assert_eq!(read.len(), values.len());
                for value in values {
                    assert_eq!(
                        read.get(&ambers::Value::Numeric(f64::from(value.number))),
                        Some(&value.label),
                        "{} {}",
                        variable.name,
                        value.code
                    );
                }
                let declared: Vec<ambers::MissingSpec> = values
                    .iter()
                    .filter(|value| value.not_applicable)
                    .map(|value| ambers::MissingSpec::Value(f64::from(value.number)))
                    .collect();
                let read_missing = meta
                    .variable_missing_values
                    .get(&variable.name)
                    .cloned()
                    .unwrap_or_default();
                // MissingSpec has no PartialEq.
                assert_eq!(
                    format!("{read_missing:?}"),
                    format!("{declared:?}"),
                    "{}",
                    variable.name
                );
            }
            _ => assert!(meta.value_labels(&variable.name).is_none()),
        }
    }
    // "Weiss nicht" (9) of surgery_explained is declared missing.
    assert_eq!(
        format!(
            "{:?}",
            meta.variable_missing_values.get("surgery_explained")
        ),
        "Some([Value(9.0)])"
    );
}

#[test]
fn r_script_makes_factors_with_the_labels_in_the_chosen_language() {
    let survey = example();
    let codebook = Codebook::new(&survey);
    let script = r_script(&codebook, &Lang::parse("it").expect("it"), "wave 1.csv");
    assert!(script.contains("responses <- read.csv(\"wave 1.csv\", colClasses = \"character\""));
    assert!(script.contains("source(\"wave 1.R\", encoding = \"UTF-8\")"));
    let sex = script
        .lines()
        .find(|line| line.starts_with("responses[[\"sex\"]] <- factor("))
        .expect("sex is a factor");
    assert!(sex.contains("levels = c(\"F\", \"M\")"), "{sex}");
    assert!(sex.contains("\"Donna\""), "{sex}");
    assert!(script.contains("responses[[\"overall\"]] <- as.integer(responses[[\"overall\"]])"));
    assert!(script.contains(
        "responses[[\"support_from.family\"]] <- factor(as.integer(responses[[\"support_from.family\"]]), levels = c(0, 1), labels = c(\"non selezionato\", \"selezionato\"))"
    ));
    // Every column gets its label; quotes and backslashes are escaped.
    assert_eq!(
        script.matches("\"label\") <- ").count(),
        codebook.columns.len()
    );
}
