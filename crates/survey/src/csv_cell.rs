//! Text cells of the CSV files vecu writes (the wide table, letters, reminder lists, the
//! contributions ledger), neutralised against spreadsheet formula injection.
//!
//! A spreadsheet that opens a CSV file runs a cell starting with `=`, `+`, `-` or `@` as a
//! formula (and a leading tab or carriage return can hide such a start), so a patient's free-text
//! answer `=HYPERLINK("http://x")` would become a live link, or worse. OWASP's guidance on CSV
//! injection (<https://owasp.org/www-community/attacks/CSV_Injection>) is to prefix such cells
//! with a single quote, which spreadsheets show as text; [`neutralise_csv_cell`] does that for
//! text cells only, never for numbers (a negative number stays a number).
//!
//! The prefix is also given to a cell that already starts with quotes followed by one of those
//! characters, so that [`restore_csv_cell`] gives back exactly what was written: vecu reads its
//! own CSV files (the analysis reads the wide table) with the codes as the definition wrote them.

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (OWASP, see the module).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text`, after any leading single quotes, starts like a formula.
fn starts_like_formula(text: &str) -> bool {
    text.trim_start_matches('\'')
        .starts_with(FORMULA_START.as_slice())
}

/// A text cell safe to open in a spreadsheet: prefixed with `'` when it starts like a formula
/// (after any leading quotes), unchanged otherwise.
pub fn neutralise_csv_cell(text: &str) -> Cow<'_, str> {
    if starts_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text that [`neutralise_csv_cell`] was given: its quote removed where it added one.
pub fn restore_csv_cell(text: &str) -> Cow<'_, str> {
    match text.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest) => Cow::Borrowed(rest),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_start_like_formulas_are_quoted_and_come_back_unchanged() {
        for (written, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("-1+2", "'-1+2"),
            ("+41 22 000 00 00", "'+41 22 000 00 00"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("''-1", "'''-1"),
            ("Très bien", "Très bien"),
            ("'quoted'", "'quoted'"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(neutralise_csv_cell(written), safe, "{written:?}");
            assert_eq!(restore_csv_cell(safe), written, "{safe:?}");
        }
    }
}
