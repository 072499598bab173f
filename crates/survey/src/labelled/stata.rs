//! Stata `.dta`, format 118 (Stata 14 and later, UTF-8), as documented in Stata's "Description
//! of .dta files" (dta_118): a header, a map of section offsets, the variables' types, names,
//! formats, value-label names and labels, the data (one record per response), and the value
//! label tables. Numbers are doubles (system missing `.` when empty), texts `strN`.
//!
//! The `dta` crate reads and writes this format but cannot build value labels from outside, so
//! this is the writer, and the crate reads the files back in the tests.

use super::{
    cut, labelled_variables, text_widths, LabelledError, LabelledVariable, Storage, Stored,
};
use crate::text::Lang;
use crate::wide::{Cell, Codebook};

/// Longest fixed text (`str2045`); longer would need `strL`.
const STR_LIMIT: usize = 2045;
/// Stata's system missing value `.` as a double.
const MISSING_DOUBLE: u64 = 0x7FE0_0000_0000_0000;
const DOUBLE: u16 = 65526;
/// Variable labels hold 80 characters (321 bytes of UTF-8 with the terminator).
const LABEL_CHARS: usize = 80;

/// The export as a Stata 14+ `.dta` file, labelled in `lang`.
pub fn stata_dta(
    codebook: &Codebook,
    rows: &[Vec<Cell>],
    lang: &Lang,
) -> Result<Vec<u8>, LabelledError> {
    let variables = labelled_variables(codebook, rows, lang);
    let widths = text_widths(&variables, rows, "Stata's str2045", STR_LIMIT)?;
    let count = u16::try_from(variables.len()).map_err(|_| LabelledError::Writer {
        format: "Stata .dta",
        message: format!("{} variables, more than 65535", variables.len()),
    })?;
    let mut out = Out::default();
    let mut map = [0u64; 14];
    out.raw(b"<stata_dta><header><release>118</release><byteorder>LSF</byteorder><K>");
    out.raw(&count.to_le_bytes());
    out.raw(b"</K><N>");
    out.raw(&(rows.len() as u64).to_le_bytes());
    out.raw(b"</N><label>");
    let title = format!("{} {}", codebook.survey, codebook.version);
    let title = cut(&title, 80);
    out.raw(&(title.len() as u16).to_le_bytes());
    out.raw(title.as_bytes());
    // No timestamp (length 0): an export is the same file whenever it is written.
    out.raw(b"</label><timestamp>\0</timestamp></header>");
    map[1] = out.position();
    out.raw(b"<map>");
    let map_at = out.bytes.len();
    out.raw(&[0u8; 14 * 8]);
    out.raw(b"</map>");

    map[2] = out.tag(b"<variable_types>");
    for (variable, width) in variables.iter().zip(&widths) {
        let code = match variable.storage {
            Storage::Text => *width as u16,
            _ => DOUBLE,
        };
        out.raw(&code.to_le_bytes());
    }
    out.raw(b"</variable_types>");
    map[3] = out.tag(b"<varnames>");
    for variable in &variables {
        out.fixed(&variable.name, 129);
    }
    out.raw(b"</varnames>");
    map[4] = out.tag(b"<sortlist>");
    out.raw(&vec![0u8; (variables.len() + 1) * 2]);
    out.raw(b"</sortlist>");
    map[5] = out.tag(b"<formats>");
    for (variable, width) in variables.iter().zip(&widths) {
        let format = match variable.storage {
            Storage::Text => format!("%-{width}s"),
            Storage::Number { integer: false } => "%10.0g".to_owned(),
            _ => "%9.0g".to_owned(),
        };
        out.fixed(&format, 57);
    }
    out.raw(b"</formats>");
    map[6] = out.tag(b"<value_label_names>");
    for variable in &variables {
        let name = match variable.storage {
            Storage::Labelled(_) => variable.name.as_str(),
            _ => "",
        };
        out.fixed(name, 129);
    }
    out.raw(b"</value_label_names>");
    map[7] = out.tag(b"<variable_labels>");
    for variable in &variables {
        let end = variable
            .label
            .char_indices()
            .nth(LABEL_CHARS)
            .map_or(variable.label.len(), |(end, _)| end);
        out.fixed(&variable.label[..end], 321);
    }
    out.raw(b"</variable_labels>");
    map[8] = out.tag(b"<characteristics>");
    out.raw(b"</characteristics>");
    map[9] = out.tag(b"<data>");
    for row in rows {
        for ((variable, width), cell) in variables.iter().zip(&widths).zip(row) {
            match variable.stored(cell) {
                Stored::Number(Some(number)) => out.raw(&number.to_le_bytes()),
                Stored::Number(None) => out.raw(&MISSING_DOUBLE.to_le_bytes()),
                Stored::Text(text) => out.fixed(text, *width),
            }
        }
    }
    out.raw(b"</data>");
    map[10] = out.tag(b"<strls>");
    out.raw(b"</strls>");
    map[11] = out.tag(b"<value_labels>");
    for variable in &variables {
        if let Storage::Labelled(values) = &variable.storage {
            value_label_table(&mut out, variable, values);
        }
    }
    out.raw(b"</value_labels>");
    map[12] = out.tag(b"</stata_dta>");
    map[13] = out.position();
    for (index, offset) in map.iter().enumerate() {
        let at = map_at + index * 8;
        out.bytes[at..at + 8].copy_from_slice(&offset.to_le_bytes());
    }
    Ok(out.bytes)
}

/// `<lbl>`: length, name (129 bytes), 3 bytes of padding, then n, the text's length, the
/// offsets, the values and the null-terminated labels.
fn value_label_table(out: &mut Out, variable: &LabelledVariable, values: &[super::LabelledValue]) {
    let mut text = Vec::new();
    let mut offsets = Vec::new();
    for value in values {
        offsets.push(text.len() as u32);
        text.extend_from_slice(value.label.replace('\0', " ").as_bytes());
        text.push(0);
    }
    let length = 8 + 8 * values.len() + text.len();
    out.raw(b"<lbl>");
    out.raw(&(length as u32).to_le_bytes());
    out.fixed(&variable.name, 129);
    out.raw(&[0u8; 3]);
    out.raw(&(values.len() as u32).to_le_bytes());
    out.raw(&(text.len() as u32).to_le_bytes());
    for offset in offsets {
        out.raw(&offset.to_le_bytes());
    }
    for value in values {
        out.raw(&value.number.to_le_bytes());
    }
    out.raw(&text);
    out.raw(b"</lbl>");
}

/// The file being written.
#[derive(Default)]
struct Out {
    bytes: Vec<u8>,
}

impl Out {
    fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    fn position(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// Writes an opening tag and gives its offset, for the map.
    fn tag(&mut self, tag: &[u8]) -> u64 {
        let at = self.position();
        self.raw(tag);
        at
    }

    /// `text` in exactly `width` bytes: cut on a character boundary (leaving room for the
    /// terminator where the format has one), then padded with zeros.
    fn fixed(&mut self, text: &str, width: usize) {
        let text = cut(text, width);
        self.raw(text.as_bytes());
        self.raw(&vec![0u8; width - text.len()]);
    }
}
