//! Data-entry pages for staff keying paper questionnaires: log in with a data-entry key, type
//! the access code, then the whole questionnaire on one compact page in paper order, one
//! field per question (option numbers as printed), Enter to save. Every page speaks fr, de,
//! it and en, with a language switch in its header.

use std::collections::BTreeMap;

use maud::{html, Markup, DOCTYPE};
use vecu_survey::{ItemKind, Survey};

use crate::i18n::{Texts, INTERFACE_LANGUAGES};
use crate::pages::layout;
use crate::paper_rules::{fields, line_name, line_text, Field};

/// A staff page in the language of `texts`, the same stylesheet as the patient pages; the
/// language switch points to `switch_base`.
pub fn page(texts: &Texts, title: &str, switch_base: &str, body: Markup) -> Markup {
    let site_title = texts.get("entry_site_title");
    html! {
        (DOCTYPE)
        html lang=(texts.lang().as_str()) {
            (layout::head(&format!("{title} – {site_title}")))
            body {
                a class="skip" href="#main" { (texts.get("entry_skip")) }
                header {
                    p class="survey-title" { (site_title) }
                    (layout::language_switch(texts, &INTERFACE_LANGUAGES, switch_base))
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The log-in form: a data-entry key; `remember`: the language was asked for, and the session
/// keeps it; `problem`: the message id of what went wrong with the last attempt.
pub fn login(texts: &Texts, csrf: &str, remember: bool, problem: Option<&str>) -> Markup {
    html! {
        @if let Some(problem) = problem {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { (texts.get("error_summary_heading")) }
                ul { li { a href="#key" { (texts.get(problem)) } } }
            }
        }
        form method="post" action="/entry/login" {
            input type="hidden" name="csrf" value=(csrf);
            @if remember {
                input type="hidden" name="lang" value=(texts.lang().as_str());
            }
            div class="question" {
                label for="key" { (texts.get("entry_key_label")) }
                input type="password" id="key" name="key" autocomplete="current-password" size="50";
            }
            div class="actions" { button type="submit" class="primary" { (texts.get("entry_login_button")) } }
        }
    }
}

/// The access-code form, with what happened to the previous questionnaire.
pub fn code_form(
    texts: &Texts,
    who: &str,
    csrf: &str,
    notice: Option<&str>,
    error: Option<&str>,
) -> Markup {
    html! {
        p { (texts.fill("entry_keying_as", &[("name", who)])) }
        @if let Some(notice) = notice {
            p class="notice" role="status" { (notice) }
        }
        form method="post" action="/entry/code" {
            input type="hidden" name="csrf" value=(csrf);
            div class={ "question" @if error.is_some() { " has-error" } } {
                label for="code" { (texts.get("entry_code_label")) }
                @if let Some(error) = error {
                    p class="error" id="code-error" { (error) }
                }
                input type="text" id="code" name="code" autocomplete="off" spellcheck="false"
                    autofocus size="20" aria-describedby=[error.map(|_| "code-error")]
                    aria-invalid=[error.map(|_| "true")];
            }
            div class="actions" { button type="submit" class="primary" { (texts.get("entry_open_button")) } }
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
    /// The message id of the form's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Pass::First => "entry_form_first_heading",
            Pass::Second => "entry_form_second_heading",
            Pass::Decision => "entry_form_decision_heading",
        }
    }

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
    pub texts: &'a Texts,
    pub survey: &'a Survey,
    pub csrf: &'a str,
    pub pass: Pass,
    /// Values typed so far (after an error) or, for a decision, nothing.
    pub typed: &'a BTreeMap<String, String>,
    /// Field errors, said in the staff's language.
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
    let texts = view.texts;
    // The survey's texts in the staff's language when the survey has it, else in its first.
    let lang = view
        .survey
        .language(texts.lang().as_str())
        .unwrap_or_else(|| view.survey.default_language());
    html! {
        p {
            (texts.get(match view.pass {
                Pass::First => "entry_form_first_help",
                Pass::Second => "entry_form_second_help",
                Pass::Decision => "entry_form_decision_help",
            }))
        }
        @if !view.errors.is_empty() {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { (texts.get("entry_errors_heading")) }
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
                        th scope="col" { (texts.get("entry_column_number")) }
                        th scope="col" { (texts.get("entry_column_question")) }
                        @if deciding {
                            th scope="col" { (texts.get("entry_column_first")) }
                            th scope="col" { (texts.get("entry_column_second")) }
                        }
                        th scope="col" { (texts.get("entry_column_answer")) }
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
                                    th scope="row" { label for=(id) { (texts.fill("entry_part", &[("n", &(section + 1).to_string())])) } }
                                    td {
                                        span class="entry-text" { (view.survey.sections[*section].title.get(lang)) }
                                        " "
                                        span class="hint" id={ (id) "-hint" } {
                                            (texts.fill("entry_questions", &[("numbers", &members.iter().map(|field| field.label.as_str()).collect::<Vec<_>>().join(" "))]))
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
                                        span class="hint" id={ (id) "-hint" } { (boxes(texts, field.item, lang)) }
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
            div class="actions" { button type="submit" class="primary" { (texts.get("entry_save_button")) } }
        }
        @if view.pass == Pass::First {
            h2 { (texts.get("entry_outcome_heading")) }
            form method="post" action="/entry/outcome" {
                input type="hidden" name="csrf" value=(view.csrf);
                @for value in ["blank", "undelivered", "deceased", "refused"] {
                    button type="submit" name="outcome" value=(value) class="secondary" { (texts.get(&format!("entry_outcome_{value}"))) }
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
fn boxes(texts: &Texts, item: &vecu_survey::Item, lang: &vecu_survey::Lang) -> String {
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
        ItemKind::MonthYear(_) => texts.get("entry_hint_month"),
        ItemKind::Text(_) => texts.get("entry_hint_text"),
        _ => String::new(),
    }
}
