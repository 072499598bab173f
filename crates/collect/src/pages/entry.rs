//! Data-entry pages for staff keying paper questionnaires: log in with a data-entry key, type
//! the access code, then the whole questionnaire on one compact page in paper order, one
//! field per question (option numbers as printed), Enter to save.

use std::collections::BTreeMap;

use maud::{html, Markup, DOCTYPE};
use vecu_survey::{ItemKind, Survey};

use crate::paper_rules::fields;

/// A staff page: English, the same stylesheet as the patient pages.
pub fn page(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (title) " – vecu data entry" }
                link rel="stylesheet" href="/static/vecu.css";
            }
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

/// The questionnaire on one page: one row per question (or matrix row), paper order.
pub fn questionnaire(view: &EntryView<'_>) -> Markup {
    let lang = view.survey.default_language();
    let rows: Vec<_> = fields(view.survey)
        .into_iter()
        .filter(|(field, _, _)| {
            view.pass != Pass::Decision || view.disagreements.contains_key(field)
        })
        .collect();
    html! {
        p {
            @match view.pass {
                Pass::First => "Type each answer as the number beside the ticked box; m for several ticks, u for unreadable, nothing when blank. Enter saves.",
                Pass::Second => "Second keying (double entry): type the questionnaire again without looking at the first keying.",
                Pass::Decision => "The two keyings disagree on these answers. Look at the paper and type the right value.",
            }
        }
        @if !view.errors.is_empty() {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { "Check these answers" }
                ul {
                    @for (field, message) in view.errors {
                        li { a href={ "#f-" (field) } { (field) ": " (message) } }
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
                        @if view.pass == Pass::Decision {
                            th scope="col" { "1st" }
                            th scope="col" { "2nd" }
                        }
                        th scope="col" { "Answer" }
                    }
                }
                tbody {
                    @for (idx, (field, number, item)) in rows.iter().enumerate() {
                        @let error = view.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m);
                        @let id = format!("f-{field}");
                        tr class=[error.map(|_| "has-error")] {
                            th scope="row" { label for=(id) { (number) } }
                            td {
                                span class="entry-text" { (short(item.text.get(lang))) }
                                " "
                                span class="hint" id={ (id) "-hint" } { (boxes(item, lang)) }
                                @if let Some(error) = error {
                                    " " span class="error" id={ (id) "-error" } { (error) }
                                }
                            }
                            @if view.pass == Pass::Decision {
                                @let (first, second) = view.disagreements.get(field.as_str()).cloned().unwrap_or_default();
                                td { (first) }
                                td { (second) }
                            }
                            td {
                                input type="text" id=(id) name=(field) size="6" autocomplete="off" spellcheck="false"
                                    value=(view.typed.get(field.as_str()).map(String::as_str).unwrap_or_default())
                                    autofocus[idx == 0]
                                    aria-describedby={ (id) "-hint" @if error.is_some() { " " (id) "-error" } }
                                    aria-invalid=[error.map(|_| "true")];
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
