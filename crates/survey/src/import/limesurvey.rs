//! LimeSurvey survey structure files (`.lss`, "Export > Survey structure"): an XML document whose
//! tables (`groups`, `questions`, `answers`, their `*_l10ns` translations in LimeSurvey 4 and
//! later, `surveys_languagesettings`) hold one `<row>` per record, as LimeSurvey's manual
//! describes the format. Groups become sections, list questions (L, !, O, Y, G, 5) single
//! choices, multiple choice (M, P) multiple choices with the subquestions as options, arrays (F)
//! matrices, numerical input (N) numbers, text (S, T, U) free text, text display (X) display
//! items, every text in each of the survey's languages. Relevance equations become conditions
//! when they compare earlier questions (`Q1 == "A1"`, `Q1.NAOK != 'A2'`, `Q2_SQ001 == "Y"`,
//! `!is_empty(Q1)`, `and`, `or`, parentheses); the rest is listed with its line.

use std::collections::BTreeMap;

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{json, Map, Value};

use super::{combine, plain, ImportError, Imported, Unmapped};

/// One `<row>` of a table: its line and its columns.
struct Row {
    line: usize,
    columns: BTreeMap<String, String>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.columns.get(column).map_or("", String::as_str)
    }
}

type Tables = BTreeMap<String, Vec<Row>>;

/// The document's tables and its languages.
fn read_tables(text: &str) -> Result<(Tables, Vec<String>), ImportError> {
    let mut reader = Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut tables: Tables = BTreeMap::new();
    let mut languages = Vec::new();
    let mut value = String::new();
    let line_at = |offset: u64| {
        text[..(offset as usize).min(text.len())]
            .matches('\n')
            .count()
            + 1
    };
    loop {
        let offset = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|error| ImportError::Malformed {
                line: line_at(reader.error_position()),
                message: format!("not a LimeSurvey structure file (.lss): {error}"),
            })?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if path.len() == 3 && name == "row" {
                    let table = path[1].clone();
                    tables.entry(table).or_default().push(Row {
                        line: line_at(offset),
                        columns: BTreeMap::new(),
                    });
                }
                path.push(name);
                value.clear();
            }
            Event::Text(text) => value += &text.decode().unwrap_or_default(),
            Event::CData(data) => value += &data.decode().unwrap_or_default(),
            Event::GeneralRef(reference) => {
                let name = reference.decode().unwrap_or_default();
                if let Some(resolved) = quick_xml::escape::resolve_predefined_entity(&name) {
                    value += resolved;
                }
            }
            Event::End(_) => {
                // document > table > rows > row > column
                if path.len() == 5 && path[2] == "rows" && path[3] == "row" {
                    if let Some(row) = tables.get_mut(&path[1]).and_then(|rows| rows.last_mut()) {
                        row.columns.insert(path[4].clone(), value.trim().to_owned());
                    }
                }
                if path.len() == 3 && path[1] == "languages" {
                    languages.push(value.trim().to_owned());
                }
                path.pop();
                value.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !tables.contains_key("questions") {
        return Err(ImportError::Malformed {
            line: 1,
            message: "not a LimeSurvey structure file: it has no questions table (export it \
                      with Export > Survey structure (.lss))"
                .to_owned(),
        });
    }
    Ok((tables, languages))
}

/// The vecu definition of a LimeSurvey structure file, with id `id`.
pub fn limesurvey_structure(text: &str, id: &str) -> Result<Imported, ImportError> {
    let (tables, mut languages) = read_tables(text)?;
    let empty = Vec::new();
    let table = |name: &str| tables.get(name).unwrap_or(&empty);
    if languages.is_empty() {
        languages = table("surveys_languagesettings")
            .iter()
            .map(|row| row.get("surveyls_language").to_owned())
            .collect();
    }
    let texts = Texts {
        languages: languages.clone(),
    };
    let title = texts.of(
        table("surveys_languagesettings"),
        "surveyls_language",
        "surveyls_title",
        |_| true,
    );
    let mut unmapped = Vec::new();
    let mut groups: Vec<&Row> = table("groups").iter().collect();
    groups.sort_by_key(|row| row.get("group_order").parse::<i64>().unwrap_or(0));
    let mut seen_gids: Vec<&str> = Vec::new();
    let mut known: Vec<(String, String)> = Vec::new();
    let mut sections = Vec::new();
    for group in groups {
        let gid = group.get("gid");
        if seen_gids.contains(&gid) {
            continue; // LimeSurvey 3 repeats a group per language.
        }
        seen_gids.push(gid);
        let name = texts.either(table("group_l10ns"), table("groups"), "group_name", |row| {
            row.get("gid") == gid
        });
        let mut questions: Vec<&Row> = table("questions")
            .iter()
            .filter(|row| row.get("gid") == gid && matches!(row.get("parent_qid"), "" | "0"))
            .collect();
        questions.sort_by_key(|row| row.get("question_order").parse::<i64>().unwrap_or(0));
        let mut seen_qids: Vec<&str> = Vec::new();
        let mut items = Vec::new();
        for question in questions {
            let qid = question.get("qid");
            if seen_qids.contains(&qid) {
                continue;
            }
            seen_qids.push(qid);
            let item = Question {
                row: question,
                tables: &tables,
                texts: &texts,
            };
            for (value, kind) in item.item(&known, &mut unmapped).unwrap_or_default() {
                let id = value["id"].as_str().unwrap_or_default().to_owned();
                known.push((id, kind));
                items.push(value);
            }
        }
        if !items.is_empty() {
            sections.push(json!({
                "id": format!("group_{gid}"),
                "title": name,
                "items": items,
            }));
        }
    }
    let definition = json!({
        "id": id,
        "version": "1.0",
        "languages": languages,
        "title": title,
        "sections": sections,
    });
    Ok(Imported {
        definition,
        unmapped,
    })
}

/// Texts in every language, from translation rows.
struct Texts {
    languages: Vec<String>,
}

impl Texts {
    /// `{lang: text}` from the rows that `keep` picks, by their language column.
    fn of(&self, rows: &[Row], language: &str, column: &str, keep: impl Fn(&Row) -> bool) -> Value {
        let mut text = Map::new();
        for row in rows.iter().filter(|row| keep(row)) {
            let lang = row.get(language);
            let content = plain(row.get(column));
            if self.languages.iter().any(|known| known == lang) && !content.is_empty() {
                text.insert(lang.to_owned(), json!(content));
            }
        }
        Value::Object(text)
    }

    /// From the LimeSurvey 4+ translation table, else from the LimeSurvey 3 rows themselves.
    fn either(
        &self,
        l10ns: &[Row],
        legacy: &[Row],
        column: &str,
        keep: impl Fn(&Row) -> bool + Copy,
    ) -> Value {
        let text = self.of(l10ns, "language", column, keep);
        if text.as_object().is_some_and(|text| !text.is_empty()) {
            text
        } else {
            self.of(legacy, "language", column, keep)
        }
    }
}

struct Question<'a> {
    row: &'a Row,
    tables: &'a Tables,
    texts: &'a Texts,
}

impl Question<'_> {
    fn table(&self, name: &str) -> &[Row] {
        self.tables.get(name).map_or(&[], Vec::as_slice)
    }

    fn note(&self, unmapped: &mut Vec<Unmapped>, what: String, todo: &str) {
        unmapped.push(Unmapped {
            line: self.row.line,
            field: self.row.get("title").to_owned(),
            what,
            todo: todo.to_owned(),
        });
    }

    /// Answer options of the question (list questions and arrays).
    fn answers(&self) -> Vec<Value> {
        let qid = self.row.get("qid");
        let mut rows: Vec<&Row> = self
            .table("answers")
            .iter()
            .filter(|row| row.get("qid") == qid)
            .collect();
        rows.sort_by_key(|row| row.get("sortorder").parse::<i64>().unwrap_or(0));
        let mut seen: Vec<&str> = Vec::new();
        let mut options = Vec::new();
        for row in rows {
            let code = row.get("code");
            if seen.contains(&code) {
                continue;
            }
            seen.push(code);
            let aid = row.get("aid");
            let label = self.texts.either(
                self.table("answer_l10ns"),
                self.table("answers"),
                "answer",
                |other| {
                    (!aid.is_empty() && other.get("aid") == aid)
                        || (aid.is_empty() && other.get("qid") == qid && other.get("code") == code)
                },
            );
            options.push(json!({ "code": code, "label": label, "role": "neutral" }));
        }
        options
    }

    /// Subquestions: (code, text in every language).
    fn subquestions(&self) -> Vec<(String, Value)> {
        let qid = self.row.get("qid");
        let mut rows: Vec<&Row> = self
            .table("questions")
            .iter()
            .filter(|row| row.get("parent_qid") == qid)
            .collect();
        rows.sort_by_key(|row| row.get("question_order").parse::<i64>().unwrap_or(0));
        let mut seen: Vec<String> = Vec::new();
        let mut out = Vec::new();
        for row in rows {
            let code = row.get("title").to_owned();
            if seen.contains(&code) {
                continue;
            }
            seen.push(code.clone());
            let sub_qid = row.get("qid");
            let text = self.texts.either(
                self.table("question_l10ns"),
                self.table("questions"),
                "question",
                |other| other.get("qid") == sub_qid,
            );
            out.push((code, text));
        }
        out
    }

    fn item(
        &self,
        known: &[(String, String)],
        unmapped: &mut Vec<Unmapped>,
    ) -> Option<Vec<(Value, String)>> {
        let qid = self.row.get("qid");
        let kind_code = self.row.get("type");
        let mut item = Map::new();
        item.insert("id".into(), json!(self.row.get("title").to_lowercase()));
        item.insert(
            "text".into(),
            self.texts.either(
                self.table("question_l10ns"),
                self.table("questions"),
                "question",
                |other| other.get("qid") == qid,
            ),
        );
        let neutral = |code: &str, label: &str| {
            let text: Map<String, Value> = self
                .texts
                .languages
                .iter()
                .map(|lang| (lang.clone(), json!(label)))
                .collect();
            json!({ "code": code, "label": text, "role": "neutral" })
        };
        let kind = match kind_code {
            "L" | "!" | "O" => {
                item.insert("options".into(), Value::Array(self.answers()));
                "single_choice"
            }
            "Y" => {
                item.insert(
                    "options".into(),
                    json!([neutral("Y", "Yes"), neutral("N", "No")]),
                );
                "single_choice"
            }
            "G" => {
                item.insert(
                    "options".into(),
                    json!([neutral("F", "Female"), neutral("M", "Male")]),
                );
                "single_choice"
            }
            "5" => {
                let options: Vec<Value> = (1..=5)
                    .map(|n| neutral(&n.to_string(), &n.to_string()))
                    .collect();
                item.insert("options".into(), Value::Array(options));
                "single_choice"
            }
            "M" | "P" => {
                let options: Vec<Value> = self
                    .subquestions()
                    .into_iter()
                    .map(|(code, label)| json!({ "code": code, "label": label, "role": "neutral" }))
                    .collect();
                item.insert("options".into(), Value::Array(options));
                "multiple_choice"
            }
            "F" => {
                // vecu's matrices are scored, and nothing here says which answers are good: one
                // single choice per row until someone sets the roles.
                item.insert("kind".into(), json!("single_choice"));
                item.insert("options".into(), Value::Array(self.answers()));
                self.note(
                    unmapped,
                    "an array became one single choice per row, their answers neutral".to_owned(),
                    "join them into one matrix item (kind matrix, rows) once the answers' roles \
                     are set",
                );
                self.relevance_into(&mut item, known, unmapped);
                let stem = item.clone();
                let question = self.row.get("title").to_lowercase();
                let rows = self
                    .subquestions()
                    .into_iter()
                    .map(|(code, text)| {
                        let mut row = stem.clone();
                        row.insert(
                            "id".into(),
                            json!(format!("{question}_{}", code.to_lowercase())),
                        );
                        row.insert("text".into(), joined(&stem["text"], &text));
                        (Value::Object(row), "single_choice".to_owned())
                    })
                    .collect();
                return Some(rows);
            }
            "N" => {
                item.insert("min".into(), json!(0));
                item.insert("max".into(), json!(1_000_000));
                self.note(
                    unmapped,
                    "no range read: 0 to 1000000 assumed".to_owned(),
                    "set min and max to what a patient can answer",
                );
                "number"
            }
            "S" => {
                item.insert("max_length".into(), json!(200));
                "short_text"
            }
            "T" | "U" => {
                item.insert("max_length".into(), json!(2000));
                "long_text"
            }
            "X" => "display",
            other => {
                self.note(
                    unmapped,
                    format!("question type {other:?} has no vecu equivalent; the question is left out"),
                    "ask it with one of vecu's kinds (single or multiple choice, scale, rating, number, text, month, matrix)",
                );
                return None;
            }
        };
        item.insert("kind".into(), json!(kind));
        if matches!(kind, "single_choice" | "multiple_choice" | "matrix") {
            self.note(
                unmapped,
                "every answer's scoring role is neutral".to_owned(),
                "mark the answers that are good experiences positive and problems negative (and 'don't know' not_applicable)",
            );
        }
        if self.row.get("mandatory") == "Y" && kind != "display" {
            item.insert("required".into(), json!(true));
        }
        self.relevance_into(&mut item, known, unmapped);
        Some(vec![(Value::Object(item), kind.to_owned())])
    }

    /// The question's relevance equation as `show_if`, or listed.
    fn relevance_into(
        &self,
        item: &mut Map<String, Value>,
        known: &[(String, String)],
        unmapped: &mut Vec<Unmapped>,
    ) {
        let relevance = self.row.get("relevance");
        if relevance.is_empty() || relevance == "1" {
            return;
        }
        match relevance_condition(relevance, known) {
            Ok(condition) => {
                item.insert("show_if".into(), condition);
            }
            Err(why) => self.note(
                unmapped,
                format!("relevance {relevance:?} is left out ({why})"),
                "write it as a vecu condition (show_if) by hand, on earlier questions",
            ),
        }
    }
}

/// "question: row" in every language of `question`.
fn joined(question: &Value, row: &Value) -> Value {
    let text: Map<String, Value> = question
        .as_object()
        .into_iter()
        .flatten()
        .map(|(lang, question)| {
            let row = row[lang].as_str().unwrap_or_default();
            let question = question.as_str().unwrap_or_default();
            (lang.clone(), json!(format!("{question}: {row}")))
        })
        .collect();
    Value::Object(text)
}

/// A LimeSurvey relevance equation as a vecu condition, or why not.
fn relevance_condition(relevance: &str, known: &[(String, String)]) -> Result<Value, String> {
    let mut parser = Relevance {
        tokens: relevance_tokens(relevance)?,
        at: 0,
        known,
    };
    let condition = parser.or()?;
    match parser.tokens.get(parser.at) {
        Some(token) => Err(format!("unexpected {token:?}")),
        None => Ok(condition),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Text(String),
    Op(&'static str),
    And,
    Or,
    Not,
    Open,
    Close,
    IsEmpty,
}

fn relevance_tokens(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Tok::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Tok::Close);
                i += 1;
            }
            '"' | '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|q| *q == c)
                    .ok_or("a quote is not closed")?;
                tokens.push(Tok::Text(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '=' if next == Some('=') => {
                tokens.push(Tok::Op("=="));
                i += 2;
            }
            '!' if next == Some('=') => {
                tokens.push(Tok::Op("!="));
                i += 2;
            }
            '!' => {
                tokens.push(Tok::Not);
                i += 1;
            }
            '&' if next == Some('&') => {
                tokens.push(Tok::And);
                i += 2;
            }
            '|' if next == Some('|') => {
                tokens.push(Tok::Or);
                i += 2;
            }
            '>' | '<' => {
                let op = match (c, next) {
                    ('>', Some('=')) => ">=",
                    ('<', Some('=')) => "<=",
                    ('>', _) => ">",
                    _ => "<",
                };
                tokens.push(Tok::Op(op));
                i += op.len();
            }
            _ => {
                let end = chars[i..]
                    .iter()
                    .position(|c| c.is_whitespace() || "()\"'=!<>&|".contains(*c))
                    .unwrap_or(chars.len() - i);
                let word: String = chars[i..i + end].iter().collect();
                i += end;
                tokens.push(match word.to_lowercase().as_str() {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "eq" => Tok::Op("=="),
                    "ne" => Tok::Op("!="),
                    "gt" => Tok::Op(">"),
                    "lt" => Tok::Op("<"),
                    "ge" => Tok::Op(">="),
                    "le" => Tok::Op("<="),
                    "is_empty" => Tok::IsEmpty,
                    _ if word.parse::<f64>().is_ok() => Tok::Text(word),
                    _ if word
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
                    {
                        Tok::Name(word.trim_end_matches(".NAOK").to_owned())
                    }
                    _ => return Err(format!("{word:?} is not understood")),
                });
            }
        }
    }
    Ok(tokens)
}

struct Relevance<'a> {
    tokens: Vec<Tok>,
    at: usize,
    known: &'a [(String, String)],
}

impl Relevance<'_> {
    fn next(&mut self) -> Option<Tok> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn or(&mut self) -> Result<Value, String> {
        let mut parts = vec![self.and()?];
        while self.tokens.get(self.at) == Some(&Tok::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(combine("any", parts))
    }

    fn and(&mut self) -> Result<Value, String> {
        let mut parts = vec![self.atom()?];
        while self.tokens.get(self.at) == Some(&Tok::And) {
            self.at += 1;
            parts.push(self.atom()?);
        }
        Ok(combine("all", parts))
    }

    fn atom(&mut self) -> Result<Value, String> {
        match self.next() {
            Some(Tok::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Tok::Close) => Ok(inner),
                    _ => Err("a ( is not closed".to_owned()),
                }
            }
            Some(Tok::Not) => Ok(json!({ "not": self.atom()? })),
            Some(Tok::IsEmpty) => {
                let (Some(Tok::Open), Some(Tok::Name(name)), Some(Tok::Close)) =
                    (self.next(), self.next(), self.next())
                else {
                    return Err("is_empty takes one question".to_owned());
                };
                let (item, _) = self.item(&name)?;
                Ok(json!({ "not": { "answered": item } }))
            }
            Some(Tok::Name(name)) => {
                let (Some(Tok::Op(op)), Some(Tok::Text(value))) = (self.next(), self.next()) else {
                    return Err(format!("{name} is not compared with a value"));
                };
                let (item, option) = self.item(&name)?;
                let number = || {
                    value
                        .parse::<f64>()
                        .map_err(|_| format!("{value:?} is not a number"))
                };
                let equals = match option {
                    // A subquestion of a multiple choice: "Y" when ticked.
                    Some(option) => {
                        let ticked = json!({ "equals": { "item": item, "value": option } });
                        return match (op, value.as_str()) {
                            ("==", "Y") | ("!=", "") => Ok(ticked),
                            ("!=", "Y") | ("==", "") => Ok(json!({ "not": ticked })),
                            _ => Err(format!("{name} {op} {value:?} cannot be said in vecu")),
                        };
                    }
                    None => json!({ "equals": { "item": item, "value": value } }),
                };
                Ok(match op {
                    "==" if value.is_empty() => json!({ "not": { "answered": item } }),
                    "!=" if value.is_empty() => json!({ "answered": item }),
                    "==" => equals,
                    "!=" => json!({ "not": equals }),
                    ">" => json!({ "greater_than": { "item": item, "value": number()? } }),
                    "<" => json!({ "less_than": { "item": item, "value": number()? } }),
                    ">=" => json!({ "not": { "less_than": { "item": item, "value": number()? } } }),
                    _ => json!({ "not": { "greater_than": { "item": item, "value": number()? } } }),
                })
            }
            other => Err(format!("unexpected {other:?}")),
        }
    }

    /// The vecu item (and option, for `Q_SQ` of a multiple choice) a LimeSurvey name refers to.
    fn item(&self, name: &str) -> Result<(String, Option<String>), String> {
        let lower = name.to_lowercase();
        if self.known.iter().any(|(id, _)| *id == lower) {
            return Ok((lower, None));
        }
        if let Some((question, sub)) = name.split_once('_') {
            let question = question.to_lowercase();
            if self
                .known
                .iter()
                .any(|(id, kind)| *id == question && kind == "multiple_choice")
            {
                return Ok((question, Some(sub.to_owned())));
            }
        }
        Err(format!("{name} is not an earlier question"))
    }
}
