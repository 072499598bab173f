//! Data-entry pages for staff keying paper questionnaires: log in with a data-entry key, type
//! the access code, then the whole questionnaire on one compact page in paper order, one
//! field per question (option numbers as printed), Enter to save.

use std::collections::BTreeMap;

use maud::{html, Markup, DOCTYPE};
use vecu_survey::{ItemKind, Survey};

use crate::pages::layout;
use crate::paper_rules::{fields, line_name, line_text, Field};

/// A staff page: English, the same stylesheet as the patient pages.
pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (layout::head(&format!("{title} – vecu data entry")))
            body {
                a class="skip" href="#main" { "Skip to the form" }
                header { p class="survey-title" { "vecu data entry" } }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The log-in form: a data-entry key.
pub fn login(csrf: &str, failed: bool) -> Markup {
    html! {
        @if failed {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { "There is a problem" }
                ul { li { a href="#key" { "This key is not a valid data-entry key." } } }
            }
        }
        form method="post" action="/entry/login" {
            input type="hidden" name="csrf" value=(csrf);
            div class="question" {
                label for="key" { "Data-entry key" }
                input type="password" id="key" name="key" autocomplete="current-password" size="50";
            }
            div class="actions" { button type="submit" class="primary" { "Log in" } }
        }
    }
}

/// The access-code form, with what happened to the previous questionnaire.
pub fn code_form(who: &str, csrf: &str, notice: Option<&str>, error: Option<&str>) -> Markup {
    html! {
        p { "Keying as " (who) "." }
        @if let Some(notice) = notice {
            p class="notice" role="status" { (notice) }
        }
        form method="post" action="/entry/code" {
            input type="hidden" name="csrf" value=(csrf);
            div class={ "question" @if error.is_some() { " has-error" } } {
                label for="code" { "Access code on the questionnaire" }
                @if let Some(error) = error {
                    p class="error" id="code-error" { (error) }
                }
                input type="text" id="code" name="code" autocomplete="off" spellcheck="false"
                    autofocus size="20" aria-describedby=[error.map(|_| "code-error")]
                    aria-invalid=[error.map(|_| "true")];
            }
            div class="actions" { button type="submit" class="primary" { "Open" } }
        }
    }
}

/// Which keying a form is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// The first (or only) keying.
    First,
    /// The blind second keying of double entry.
    Second,
    /// The third person's decision on the fields where the two keyings disagree.
    Decision,
}

impl Pass {
    pub fn number(self) -> u8 {
        match self {
            Pass::First => 1,
            Pass::Second => 2,
            Pass::Decision => 3,
        }
    }
}

/// What the questionnaire form shows.
pub struct EntryView<'a> {
    pub survey: &'a Survey,
    pub csrf: &'a str,
    pub pass: Pass,
    /// Values typed so far (after an error) or, for a decision, nothing.
    pub typed: &'a BTreeMap<String, String>,
    /// Field errors.
    pub errors: &'a [(String, String)],
    /// For a decision: the two keyings of each disagreeing field.
    pub disagreements: &'a BTreeMap<String, (String, String)>,
}

/// The questionnaire on one page, in paper order. Keying (passes 1 and 2): one line per part
/// for the questions answered with one character (the box numbers in a row, `.` for a blank),
/// and a field for each other question. Deciding: a field per disagreeing answer.
pub fn questionnaire(view: &EntryView<'_>) -> Markup {
    let all = fields(view.survey);
    let deciding = view.pass == Pass::Decision;
    let error_of = |name: &str| {
        view.errors
            .iter()
            .filter(|(field, _)| field == name)
            .map(|(_, message)| message.as_str())
            .collect::<Vec<_>>()
    };
    // What each row of the form is: a line of a part, or one field.
    enum Row<'a> {
        Line(usize, Vec<&'a Field<'a>>),
        One(&'a Field<'a>),
    }
    let mut rows: Vec<Row> = Vec::new();
    for field in &all {
        if deciding {
            if view.disagreements.contains_key(&field.name) {
                rows.push(Row::One(field));
            }
        } else if field.in_line {
            match rows
                .iter_mut()
                .find(|row| matches!(row, Row::Line(section, _) if *section == field.section))
            {
                Some(Row::Line(_, members)) => members.push(field),
                _ => rows.push(Row::Line(field.section, vec![field])),
            }
        } else {
            rows.push(Row::One(field));
        }
    }
    // Errors on fields of a line are shown on the line.
    let line_of = |name: &str| {
        all.iter()
            .find(|field| field.name == name && field.in_line && !deciding)
            .map(|field| line_name(field.section))
    };
    let lang = view.survey.default_language();
    html! {
        p {
            @match view.pass {
                Pass::First => "Each part has a line: type the number beside the ticked box of each question in turn, . for a blank, m for several ticks, u for unreadable. Other questions have their own field. Tab moves on, Enter saves.",
                Pass::Second => "Second keying (double entry): type the questionnaire again without looking at the first keying.",
                Pass::Decision => "The two keyings disagree on these answers. Look at the paper and type the right value.",
            }
        }
        @if !view.errors.is_empty() {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { "Check these answers" }
                ul {
                    @for (field, message) in view.errors {
                        @let target = line_of(field).unwrap_or_else(|| field.clone());
                        li { a href={ "#f-" (target) } { (label_of(&all, field)) ": " (message) } }
                    }
                }
            }
        }
        form method="post" action="/entry/form" class="entry" {
            input type="hidden" name="csrf" value=(view.csrf);
            input type="hidden" name="pass" value=(view.pass.number());
            table class="entry" {
                thead {
                    tr {
                        th scope="col" { "Q" }
                        th scope="col" { "Question and boxes" }
                        @if deciding {
                            th scope="col" { "1st" }
                            th scope="col" { "2nd" }
                        }
                        th scope="col" { "Answer" }
                    }
                }
                tbody {
                    @for (idx, row) in rows.iter().enumerate() {
                        @match row {
                            Row::Line(section, members) => {
                                @let name = line_name(*section);
                                @let id = format!("f-{name}");
                                @let errors: Vec<String> = members.iter().flat_map(|field| error_of(&field.name).into_iter().map(|m| format!("{}: {m}", field.label))).chain(error_of(&name).into_iter().map(str::to_owned)).collect();
                                tr class=[(!errors.is_empty()).then_some("has-error")] {
                                    th scope="row" { label for=(id) { "Part " (section + 1) } }
                                    td {
                                        span class="entry-text" { (view.survey.sections[*section].title.get(lang)) }
                                        " "
                                        span class="hint" id={ (id) "-hint" } {
                                            "Questions " (members.iter().map(|field| field.label.as_str()).collect::<Vec<_>>().join(" "))
                                        }
                                        @if !errors.is_empty() {
                                            " " span class="error" id={ (id) "-error" } { (errors.join("; ")) }
                                        }
                                    }
                                    td {
                                        input type="text" id=(id) name=(name) size=(members.len().max(8)) autocomplete="off" spellcheck="false"
                                            value=(line_text(members, view.typed))
                                            autofocus[idx == 0]
                                            aria-describedby={ (id) "-hint" @if !errors.is_empty() { " " (id) "-error" } }
                                            aria-invalid=[(!errors.is_empty()).then_some("true")];
                                    }
                                }
                            }
                            Row::One(field) => {
                                @let errors = error_of(&field.name);
                                @let id = format!("f-{}", field.name);
                                tr class=[(!errors.is_empty()).then_some("has-error")] {
                                    th scope="row" { label for=(id) { (field.label) } }
                                    td {
                                        span class="entry-text" { (short(field.item.text.get(lang))) }
                                        " "
                                        span class="hint" id={ (id) "-hint" } { (boxes(field.item, lang)) }
                                        @if !errors.is_empty() {
                                            " " span class="error" id={ (id) "-error" } { (errors.join("; ")) }
                                        }
                                    }
                                    @if deciding {
                                        @let (first, second) = view.disagreements.get(field.name.as_str()).cloned().unwrap_or_default();
                                        td { (first) }
                                        td { (second) }
                                    }
                                    td {
                                        input type="text" id=(id) name=(field.name) size="6" autocomplete="off" spellcheck="false"
                                            value=(view.typed.get(field.name.as_str()).map(String::as_str).unwrap_or_default())
                                            autofocus[idx == 0]
                                            aria-describedby={ (id) "-hint" @if !errors.is_empty() { " " (id) "-error" } }
                                            aria-invalid=[(!errors.is_empty()).then_some("true")];
                                    }
                                }
                            }
                        }
                    }
                }
            }
            div class="actions" { button type="submit" class="primary" { "Save (Enter)" } }
        }
        @if view.pass == Pass::First {
            h2 { "Returned without answers" }
            form method="post" action="/entry/outcome" {
                input type="hidden" name="csrf" value=(view.csrf);
                @for (value, label) in [("blank", "Blank questionnaire"), ("undelivered", "Returned undelivered"), ("deceased", "Patient deceased"), ("refused", "Refused")] {
                    button type="submit" name="outcome" value=(value) class="secondary" { (label) }
                    " "
                }
            }
        }
    }
}

/// The printed label of a field (`12b`), or the name of a line.
fn label_of(all: &[Field<'_>], name: &str) -> String {
    all.iter()
        .find(|field| field.name == name)
        .map_or_else(|| name.to_owned(), |field| field.label.clone())
}

/// The question's first words, so that a row fits one line.
fn short(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 10 {
        words.join(" ")
    } else {
        format!("{} …", words[..10].join(" "))
    }
}

/// What can be typed: the numbered boxes, or the kind of value.
fn boxes(item: &vecu_survey::Item, lang: &vecu_survey::Lang) -> String {
    if let Some(options) = item.kind.options() {
        return options
            .options
            .iter()
            .enumerate()
            .map(|(idx, option)| format!("{} {}", idx + 1, short(option.label.get(lang))))
            .collect::<Vec<_>>()
            .join(" · ");
    }
    match &item.kind {
        ItemKind::Rating(_) => "0–10".to_owned(),
        ItemKind::Number(spec) => format!("{}–{}", spec.min, spec.max),
        ItemKind::MonthYear(_) => "MM/YYYY".to_owned(),
        ItemKind::Text(_) => "text as written".to_owned(),
        _ => String::new(),
    }
}
