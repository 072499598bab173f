//! An R script, base R only, that reads the exported CSV and sets what the codebook says: coded
//! columns become factors with their labels as levels (in the definition's order), ticks and
//! numbers become numbers, and every column gets its question text as its "label" attribute.

use super::{labelled_variables, LabelledVariable, Storage};
use crate::text::Lang;
use crate::wide::{Codebook, ColumnType};

/// The script that loads `csv_file` (a CSV export of `codebook`) into a data frame called
/// `responses`, labelled in `lang`.
pub fn r_script(codebook: &Codebook, lang: &Lang, csv_file: &str) -> String {
    let variables = labelled_variables(codebook, &[], lang);
    let mut script = format!(
        "# Responses to survey {survey} version {version} (definition {hash}), labelled in {lang}.\n\
         # Written by vecu beside {csv}: run it from the folder that holds both, e.g.\n\
         #   source(\"{script}\", encoding = \"UTF-8\")\n\
         # Base R only. Coded columns become factors whose levels are the answers' labels in the\n\
         # definition's order; `attr(responses$x, \"label\")` holds each column's question.\n\
         \n\
         responses <- read.csv({csv_literal}, colClasses = \"character\", na.strings = \"\",\n\
         \x20                     check.names = FALSE, encoding = \"UTF-8\")\n\
         # vecu writes a ' before text cells that a spreadsheet would run as a formula.\n\
         responses[] <- lapply(responses, function(x) sub(\"^'([-=+@\\t\\r])\", \"\\\\1\", x))\n\
         \n",
        survey = codebook.survey,
        version = codebook.version,
        hash = codebook.survey_hash,
        lang = lang,
        csv = csv_file,
        script = csv_file
            .rsplit_once('.')
            .map_or(csv_file, |(stem, _)| stem)
            .to_owned()
            + ".R",
        csv_literal = literal(csv_file),
    );
    for (variable, column) in variables.iter().zip(&codebook.columns) {
        script += &conversion(variable, column.column_type);
        script += &format!(
            "attr(responses[[{name}]], \"label\") <- {label}\n",
            name = literal(&variable.column),
            label = literal(&variable.label)
        );
    }
    script
}

/// The line that types one column.
fn conversion(variable: &LabelledVariable, column_type: ColumnType) -> String {
    let name = literal(&variable.column);
    match (&variable.storage, column_type) {
        (Storage::Labelled(values), ColumnType::Flag) => format!(
            "responses[[{name}]] <- factor(as.integer(responses[[{name}]]), levels = c({}), labels = c({}))\n",
            join(values.iter().map(|value| value.number.to_string())),
            join(values.iter().map(|value| literal(&value.label))),
        ),
        (Storage::Labelled(values), _) => format!(
            "responses[[{name}]] <- factor(responses[[{name}]], levels = c({}), labels = c({}))\n",
            join(values.iter().map(|value| literal(&value.code))),
            join(values.iter().map(|value| literal(&value.label))),
        ),
        (Storage::Number { integer: true }, _) => {
            format!("responses[[{name}]] <- as.integer(responses[[{name}]])\n")
        }
        (Storage::Number { integer: false }, _) => {
            format!("responses[[{name}]] <- as.numeric(responses[[{name}]])\n")
        }
        (Storage::Text, _) => String::new(),
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}

/// `text` as an R string literal.
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
