//! REDCap data dictionaries (the CSV of "Project Setup > Data Dictionary > Download the current
//! Data Dictionary"). Columns as REDCap documents them in its Data Dictionary help: Variable /
//! Field Name, Form Name, Section Header, Field Type, Field Label, Choices, Calculations, OR
//! Slider Labels, Field Note, Text Validation Type OR Show Slider Number, Text Validation Min,
//! Text Validation Max, Identifier?, Branching Logic (Show field only if...), Required Field?,
//! Custom Alignment, Question Number (surveys only), Matrix Group Name, Matrix Ranking?, Field
//! Annotation. Columns are found by the start of their header, so dictionaries of older and newer
//! REDCap versions read alike.
//!
//! Forms become sections; radio, dropdown, yesno and truefalse fields single choices; checkboxes
//! multiple choices; integer and number text fields numbers; other text fields and notes free
//! text; descriptive fields and section headers display texts. Branching logic becomes a vecu
//! condition when it is comparisons (`=`, `<>`, `!=`, `>`, `<`, `>=`, `<=`) of earlier fields with
//! `and`, `or` and parentheses, checkbox options included (`[field(code)] = '1'`).

use serde_json::{json, Map, Value};

use super::{combine, plain, ImportError, Imported, Unmapped};

/// The dictionary's columns that vecu reads, by the start of their header (lower case).
const FIELD: &str = "variable / field name";
const FORM: &str = "form name";
const SECTION: &str = "section header";
const TYPE: &str = "field type";
const LABEL: &str = "field label";
const CHOICES: &str = "choices";
const NOTE: &str = "field note";
const VALIDATION: &str = "text validation type";
const MIN: &str = "text validation min";
const MAX: &str = "text validation max";
const IDENTIFIER: &str = "identifier";
const BRANCHING: &str = "branching logic";
const REQUIRED: &str = "required field";
const MATRIX: &str = "matrix group name";

/// Every option is neutral until someone says which answers are good experiences.
const ROLE: &str = "neutral";

/// The vecu definition of a REDCap data dictionary, its texts in `lang`, with id `id`.
pub fn redcap_dictionary(text: &str, id: &str, lang: &str) -> Result<Imported, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|error| ImportError::Malformed {
            line: 1,
            message: error.to_string(),
        })?
        .iter()
        .map(|name| name.trim().to_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|found| found.starts_with(name));
    let (Some(field_at), Some(type_at), Some(label_at)) =
        (column(FIELD), column(TYPE), column(LABEL))
    else {
        return Err(ImportError::Malformed {
            line: 1,
            message: "not a REDCap data dictionary: the header needs the columns \
                      'Variable / Field Name', 'Field Type' and 'Field Label' (download it \
                      from Project Setup > Data Dictionary)"
                .to_owned(),
        });
    };
    let mut importer = Importer {
        lang: lang.to_owned(),
        sections: Vec::new(),
        known: Vec::new(),
        unmapped: Vec::new(),
    };
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = record.map_err(|error| ImportError::Malformed {
            line,
            message: error.to_string(),
        })?;
        let cell = |at: Option<usize>| {
            at.and_then(|at| record.get(at))
                .map(str::trim)
                .unwrap_or_default()
                .to_owned()
        };
        let row = Row {
            line,
            field: cell(Some(field_at)),
            form: cell(column(FORM)),
            section: cell(column(SECTION)),
            kind: cell(Some(type_at)).to_lowercase(),
            label: cell(Some(label_at)),
            choices: cell(column(CHOICES)),
            note: cell(column(NOTE)),
            validation: cell(column(VALIDATION)).to_lowercase(),
            min: cell(column(MIN)),
            max: cell(column(MAX)),
            identifier: cell(column(IDENTIFIER)).eq_ignore_ascii_case("y"),
            branching: cell(column(BRANCHING)),
            required: cell(column(REQUIRED)).eq_ignore_ascii_case("y"),
            matrix: cell(column(MATRIX)),
        };
        importer.row(&row, index == 0);
    }
    let title = id.replace('_', " ");
    let definition = json!({
        "id": id,
        "version": "1.0",
        "languages": [lang],
        "title": { lang: title },
        "sections": importer.sections.into_iter().map(|(_, section)| section).collect::<Vec<_>>(),
    });
    Ok(Imported {
        definition,
        unmapped: importer.unmapped,
    })
}

/// One line of the dictionary.
struct Row {
    line: usize,
    field: String,
    form: String,
    section: String,
    kind: String,
    label: String,
    choices: String,
    note: String,
    validation: String,
    min: String,
    max: String,
    identifier: bool,
    branching: String,
    required: bool,
    matrix: String,
}

/// A field already made into an item: its id and whether its answers are codes of a checkbox.
struct Known {
    id: String,
    checkbox: bool,
}

struct Importer {
    lang: String,
    /// Sections by form name, in order.
    sections: Vec<(String, Value)>,
    known: Vec<Known>,
    unmapped: Vec<Unmapped>,
}

impl Importer {
    fn note(&mut self, row: &Row, what: impl Into<String>, todo: impl Into<String>) {
        self.unmapped.push(Unmapped {
            line: row.line,
            field: row.field.clone(),
            what: what.into(),
            todo: todo.into(),
        });
    }

    fn text(&self, text: &str) -> Value {
        json!({ &self.lang: plain(text) })
    }

    fn row(&mut self, row: &Row, first: bool) {
        if first && row.kind == "text" {
            self.note(
                row,
                "the record id is left out",
                "vecu gives every response a random id and keeps no record id",
            );
            return;
        }
        if !row.section.is_empty() {
            let header = json!({
                "id": format!("{}_header", row.field),
                "kind": "display",
                "text": self.text(&row.section),
            });
            self.push(row, header);
        }
        let mut item = Map::new();
        item.insert("id".into(), json!(row.field));
        item.insert("text".into(), self.text(&row.label));
        let mut checkbox = false;
        match row.kind.as_str() {
            "radio" | "dropdown" => {
                item.insert("kind".into(), json!("single_choice"));
                item.insert("options".into(), self.options(row));
            }
            "yesno" | "truefalse" => {
                let (yes, no) = if row.kind == "yesno" {
                    ("Yes", "No")
                } else {
                    ("True", "False")
                };
                item.insert("kind".into(), json!("single_choice"));
                item.insert(
                    "options".into(),
                    json!([
                        { "code": "1", "label": self.text(yes), "role": ROLE },
                        { "code": "0", "label": self.text(no), "role": ROLE },
                    ]),
                );
            }
            "checkbox" => {
                checkbox = true;
                item.insert("kind".into(), json!("multiple_choice"));
                item.insert("options".into(), self.options(row));
            }
            "notes" => {
                item.insert("kind".into(), json!("long_text"));
                item.insert("max_length".into(), json!(2000));
            }
            "text" => self.text_field(row, &mut item),
            "descriptive" => {
                item.insert("kind".into(), json!("display"));
            }
            "slider" => {
                item.insert("kind".into(), json!("number"));
                item.insert("integer".into(), json!(true));
                item.insert("min".into(), json!(0));
                item.insert("max".into(), json!(100));
                self.note(
                    row,
                    "a slider became a whole number from 0 to 100",
                    "make it a 0-10 rating (kind rating, low_label, high_label) if it rates care",
                );
            }
            other => {
                self.note(
                    row,
                    format!("field type {other:?} has no vecu equivalent; the field is left out"),
                    "compute it in the analysis (calc), or ask for it another way (file, sql)",
                );
                return;
            }
        }
        if row.required && row.kind != "descriptive" {
            item.insert("required".into(), json!(true));
        }
        if !row.note.is_empty() {
            item.insert("help".into(), self.text(&row.note));
        }
        if row.identifier {
            self.note(
                row,
                "marked as an identifier",
                "vecu keeps what identifies patients in the sample frame, never in answers: \
                 remove the question or move it to the frame",
            );
        }
        if !row.matrix.is_empty() {
            self.note(
                row,
                format!(
                    "part of matrix group {:?}, kept as a question of its own",
                    row.matrix
                ),
                "join the group's questions into one matrix item (kind matrix, rows) if they \
                 share their answers",
            );
        }
        if !row.branching.is_empty() {
            match condition(&row.branching, &self.known) {
                Ok(condition) => {
                    item.insert("show_if".into(), condition);
                }
                Err(why) => self.note(
                    row,
                    format!("branching logic {:?} is left out ({why})", row.branching),
                    "write it as a vecu condition (show_if) by hand, on earlier questions",
                ),
            }
        }
        if row.kind != "descriptive" {
            self.known.push(Known {
                id: row.field.clone(),
                checkbox,
            });
        }
        self.push(row, Value::Object(item));
    }

    fn push(&mut self, row: &Row, item: Value) {
        let form = if row.form.is_empty() {
            "questionnaire".to_owned()
        } else {
            row.form.clone()
        };
        if self.sections.last().map(|(name, _)| name) != Some(&form) {
            let section = json!({
                "id": form,
                "title": self.text(&form.replace('_', " ")),
                "items": [],
            });
            self.sections.push((form, section));
        }
        if let Some(items) = self
            .sections
            .last_mut()
            .and_then(|(_, section)| section.get_mut("items"))
            .and_then(Value::as_array_mut)
        {
            items.push(item);
        }
    }

    /// "1, Yes | 2, No" as options, each neutral.
    fn options(&mut self, row: &Row) -> Value {
        let mut options = Vec::new();
        for choice in row.choices.split('|') {
            let Some((code, label)) = choice.split_once(',') else {
                if !choice.trim().is_empty() {
                    self.note(
                        row,
                        format!("choice {:?} has no code", choice.trim()),
                        "write it as 'code, label' in REDCap or add the option by hand",
                    );
                }
                continue;
            };
            options.push(json!({
                "code": code.trim(),
                "label": self.text(label.trim()),
                "role": ROLE,
            }));
        }
        self.note(
            row,
            "every answer's scoring role is neutral",
            "mark the answers that are good experiences positive and problems negative \
             (and 'don't know' not_applicable), or % positive stays empty",
        );
        Value::Array(options)
    }

    fn text_field(&mut self, row: &Row, item: &mut Map<String, Value>) {
        let bound = |text: &str| text.parse::<f64>().ok();
        match row.validation.as_str() {
            "integer" | "number" | "number_1dp" | "number_2dp" | "number_3dp" | "number_4dp" => {
                item.insert("kind".into(), json!("number"));
                item.insert("integer".into(), json!(row.validation == "integer"));
                let (min, max) = (bound(&row.min), bound(&row.max));
                item.insert("min".into(), json!(min.unwrap_or(0.0)));
                item.insert("max".into(), json!(max.unwrap_or(1_000_000.0)));
                if min.is_none() || max.is_none() {
                    self.note(
                        row,
                        "no range given: 0 to 1000000 assumed",
                        "set min and max to what a patient can answer",
                    );
                }
            }
            validation => {
                item.insert("kind".into(), json!("short_text"));
                item.insert("max_length".into(), json!(200));
                if validation.starts_with("date") || validation.starts_with("datetime") {
                    self.note(
                        row,
                        format!("a {validation} date became free text"),
                        "vecu asks months (kind month_year, min_year, max_year): a full date \
                         can identify a patient",
                    );
                } else if !validation.is_empty() {
                    self.note(
                        row,
                        format!("validation {validation:?} is not checked"),
                        "free text is taken as written",
                    );
                }
            }
        }
    }
}

/// REDCap branching logic as a vecu condition, or why not.
fn condition(logic: &str, known: &[Known]) -> Result<Value, String> {
    let tokens = tokenize(logic)?;
    let mut parser = Parser {
        tokens,
        at: 0,
        known,
    };
    let condition = parser.or()?;
    if parser.at < parser.tokens.len() {
        return Err(format!("unexpected {:?}", parser.tokens[parser.at]));
    }
    Ok(condition)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// `[field]` or `[field(code)]`.
    Field(String, Option<String>),
    /// A quoted or bare value.
    Value(String),
    Op(&'static str),
    And,
    Or,
    Open,
    Close,
}

fn tokenize(logic: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = logic.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '[' => {
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == ']')
                    .ok_or("a [ is not closed")?;
                let inside: String = chars[i + 1..i + end].iter().collect();
                i += end + 1;
                if chars.get(i) == Some(&'[') {
                    return Err("events ([event][field]) do not exist in vecu".to_owned());
                }
                let token = match inside.split_once('(') {
                    Some((field, code)) => Token::Field(
                        field.to_owned(),
                        Some(code.trim_end_matches(')').to_owned()),
                    ),
                    None => Token::Field(inside, None),
                };
                tokens.push(token);
            }
            '\'' | '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|q| *q == c)
                    .ok_or("a quote is not closed")?;
                tokens.push(Token::Value(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '=' | '<' | '>' | '!' => {
                let next = chars.get(i + 1).copied();
                let (op, width) = match (c, next) {
                    ('<', Some('>')) | ('!', Some('=')) => ("<>", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('=', _) => ("=", 1),
                    ('<', _) => ("<", 1),
                    ('>', _) => (">", 1),
                    _ => return Err(format!("{c:?} is not a comparison")),
                };
                tokens.push(Token::Op(op));
                i += width;
            }
            _ => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || "()[]=<>!'\"".contains(*c))
                    .unwrap_or(chars.len() - i);
                let word: String = chars[i..i + end].iter().collect();
                i += end;
                match word.to_lowercase().as_str() {
                    "and" => tokens.push(Token::And),
                    "or" => tokens.push(Token::Or),
                    _ if word.parse::<f64>().is_ok() => tokens.push(Token::Value(word)),
                    _ => return Err(format!("{word:?} (a function or smart variable)")),
                }
            }
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    known: &'a [Known],
}

impl Parser<'_> {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Value, String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(combine("any", parts))
    }

    fn and(&mut self) -> Result<Value, String> {
        let mut parts = vec![self.atom()?];
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            parts.push(self.atom()?);
        }
        Ok(combine("all", parts))
    }

    fn atom(&mut self) -> Result<Value, String> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Token::Close) => Ok(inner),
                    _ => Err("a ( is not closed".to_owned()),
                }
            }
            Some(Token::Field(field, code)) => {
                let Some(Token::Op(op)) = self.next() else {
                    return Err(format!("[{field}] is not compared"));
                };
                let Some(Token::Value(value)) = self.next() else {
                    return Err(format!("[{field}] {op} needs a value"));
                };
                self.comparison(&field, code.as_deref(), op, &value)
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    fn comparison(
        &self,
        field: &str,
        code: Option<&str>,
        op: &str,
        value: &str,
    ) -> Result<Value, String> {
        let known = self
            .known
            .iter()
            .find(|known| known.id == field)
            .ok_or_else(|| format!("[{field}] is not an earlier question"))?;
        let item = json!(field);
        let number = || {
            value
                .parse::<f64>()
                .map_err(|_| format!("{value:?} is not a number"))
        };
        let not = |inner: Value| json!({ "not": inner });
        Ok(match (known.checkbox, code, op) {
            (true, Some(code), "=" | "<>") => {
                let ticked = json!({ "equals": { "item": item, "value": code } });
                if (op == "=") == (value == "1") {
                    ticked
                } else {
                    not(ticked)
                }
            }
            (true, _, _) | (false, Some(_), _) => {
                return Err(format!("[{field}] is compared in a way vecu cannot say"))
            }
            (false, None, "=" | "<>") if value.is_empty() => {
                let answered = json!({ "answered": item });
                if op == "=" {
                    not(answered)
                } else {
                    answered
                }
            }
            (false, None, "=") => json!({ "equals": { "item": item, "value": value } }),
            (false, None, "<>") => not(json!({ "equals": { "item": item, "value": value } })),
            (false, None, ">") => json!({ "greater_than": { "item": item, "value": number()? } }),
            (false, None, "<") => json!({ "less_than": { "item": item, "value": number()? } }),
            (false, None, ">=") => {
                not(json!({ "less_than": { "item": item, "value": number()? } }))
            }
            (false, None, "<=") => {
                not(json!({ "greater_than": { "item": item, "value": number()? } }))
            }
            (false, None, other) => return Err(format!("{other} is not a comparison")),
        })
    }
}
