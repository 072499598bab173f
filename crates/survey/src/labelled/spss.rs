//! SPSS `.sav` through the `ambers` crate (a pure Rust reader and writer of the system file
//! format): variable labels, value labels, and the "does not apply" / "don't know" codes
//! declared as user-missing values, so that SPSS leaves them out of statistics as vecu does.

use std::io::Cursor;
use std::sync::Arc;

use ambers::{Measure, MissingSpec, SpssMetadata, Value};
use arrow::array::{ArrayRef, Float64Array, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::record_batch::RecordBatch;

use super::{cut, labelled_variables, text_widths, LabelledError, Storage, Stored};
use crate::text::Lang;
use crate::wide::{Cell, Codebook};

/// Longest text the writer is given (SPSS holds 32767 bytes).
const TEXT_LIMIT: usize = 32767;
/// A variable label holds 255 bytes, a value label 120.
const VARIABLE_LABEL_BYTES: usize = 255;
const VALUE_LABEL_BYTES: usize = 120;
/// SPSS takes at most three discrete missing values per variable.
const MISSING_VALUES: usize = 3;

/// The export as an SPSS `.sav` file (uncompressed), labelled in `lang`.
pub fn spss_sav(
    codebook: &Codebook,
    rows: &[Vec<Cell>],
    lang: &Lang,
) -> Result<Vec<u8>, LabelledError> {
    let writer_error = |message: String| LabelledError::Writer {
        format: "SPSS .sav",
        message,
    };
    let variables = labelled_variables(codebook, rows, lang);
    let widths = text_widths(&variables, rows, "SPSS", TEXT_LIMIT)?;
    let mut metadata = SpssMetadata {
        file_label: cut(&format!("{} {}", codebook.survey, codebook.version), 64).to_owned(),
        file_encoding: "UTF-8".to_owned(),
        ..SpssMetadata::default()
    };
    let mut fields = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (index, (variable, width)) in variables.iter().zip(&widths).enumerate() {
        let name = variable.name.clone();
        metadata.variable_names.push(name.clone());
        metadata.variable_labels.insert(
            name.clone(),
            cut(&variable.label, VARIABLE_LABEL_BYTES).to_owned(),
        );
        let cells = rows.iter().filter_map(|row| row.get(index));
        match &variable.storage {
            Storage::Text => {
                fields.push(Field::new(&name, DataType::Utf8, true));
                let texts: Vec<String> = cells
                    .map(|cell| match variable.stored(cell) {
                        Stored::Text(text) => text.to_owned(),
                        Stored::Number(_) => String::new(),
                    })
                    .collect();
                arrays.push(Arc::new(StringArray::from(texts)));
                metadata
                    .variable_formats
                    .insert(name.clone(), format!("A{width}"));
                metadata.variable_storage_widths.insert(name, *width);
            }
            storage => {
                fields.push(Field::new(&name, DataType::Float64, true));
                let numbers: Vec<Option<f64>> = cells
                    .map(|cell| match variable.stored(cell) {
                        Stored::Number(number) => number,
                        Stored::Text(_) => None,
                    })
                    .collect();
                arrays.push(Arc::new(Float64Array::from(numbers)));
                let format = match storage {
                    Storage::Number { integer: false } => "F8.2",
                    _ => "F8.0",
                };
                metadata
                    .variable_formats
                    .insert(name.clone(), format.to_owned());
                if let Storage::Labelled(values) = storage {
                    metadata
                        .variable_measures
                        .insert(name.clone(), Measure::Nominal);
                    metadata.variable_value_labels.insert(
                        name.clone(),
                        values
                            .iter()
                            .map(|value| {
                                (
                                    Value::Numeric(f64::from(value.number)),
                                    cut(&value.label, VALUE_LABEL_BYTES).to_owned(),
                                )
                            })
                            .collect(),
                    );
                    let missing: Vec<MissingSpec> = values
                        .iter()
                        .filter(|value| value.not_applicable)
                        .take(MISSING_VALUES)
                        .map(|value| MissingSpec::Value(f64::from(value.number)))
                        .collect();
                    if !missing.is_empty() {
                        metadata.variable_missing_values.insert(name, missing);
                    }
                }
            }
        }
    }
    metadata.number_columns = variables.len();
    metadata.number_rows = Some(rows.len() as i64);
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|error| writer_error(error.to_string()))?;
    let mut file = Cursor::new(Vec::new());
    ambers::write_sav_to_writer(
        &mut file,
        &batch,
        &metadata,
        ambers::Compression::None,
        None,
    )
    .map_err(|error| writer_error(error.to_string()))?;
    Ok(file.into_inner())
}
