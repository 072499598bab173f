//! One section of the questionnaire as a form: fieldset and legend for every group of choices,
//! a label for every field, hints and errors tied to their field with aria-describedby.

use maud::{html, Markup};
use vecu_survey::{Answer, Answers, Item, ItemKind, Lang, Options, Rating, Survey};

use crate::form::FieldError;
use crate::i18n::Texts;

/// Everything a question page shows.
pub struct PageView<'a> {
    pub survey: &'a Survey,
    pub texts: &'a Texts,
    pub section_idx: usize,
    pub page_number: usize,
    pub pages: usize,
    pub items: Vec<&'a Item>,
    pub answers: &'a Answers,
    pub errors: &'a [FieldError],
    /// Questions appeared because of answers just given.
    pub added: bool,
    /// Where the page posts, with what.
    pub form: &'a FormTarget,
    pub has_previous: bool,
}

/// Where a question page posts: the patient's `/q/{section}`, or the team's preview, which
/// carries the earlier answers in hidden fields because it keeps nothing anywhere else.
pub struct FormTarget {
    pub action: String,
    pub csrf: String,
    /// Extra hidden fields (name, value).
    pub hidden: Vec<(&'static str, String)>,
}

/// The page body.
pub fn body(view: &PageView<'_>) -> Markup {
    let texts = view.texts;
    let section = &view.survey.sections[view.section_idx];
    let progress = texts.fill(
        "page_of",
        &[
            ("page", &view.page_number.to_string()),
            ("pages", &view.pages.to_string()),
        ],
    );
    html! {
        p class="progress" {
            (progress)
            progress max=(view.pages) value=(view.page_number) aria-label=(texts.get("progress_label")) { (progress) }
        }
        @if !view.errors.is_empty() {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { (texts.get("error_summary_heading")) }
                p { (texts.get("error_summary_intro")) }
                ul {
                    @for error in view.errors {
                        li { a href={ "#q-" (error.item) } { (question_label(view.survey, texts, &error.item)) ": " (error.message) } }
                    }
                }
            }
        }
        @if view.added {
            p class="notice" role="status" { (texts.get("added_questions")) }
        }
        @if let Some(intro) = &section.intro {
            p class="intro" { (intro.get(texts.lang())) }
        }
        form method="post" action=(view.form.action) novalidate {
            input type="hidden" name="csrf" value=(view.form.csrf);
            @for (name, value) in &view.form.hidden {
                input type="hidden" name=(name) value=(value);
            }
            @for item in &view.items {
                input type="hidden" name="shown" value=(item.id.as_str());
                (question(view, item))
            }
            div class="actions" {
                button type="submit" name="action" value="next" class="primary" { (texts.get("next_button")) }
                @if view.has_previous {
                    button type="submit" name="action" value="back" class="secondary" { (texts.get("back_button")) }
                }
            }
        }
    }
}

fn question_label(survey: &Survey, texts: &Texts, item: &str) -> String {
    let number = survey
        .item(item)
        .and_then(|item| survey.question_number(&item.id))
        .unwrap_or_default();
    texts.fill("question_number", &[("number", &number.to_string())])
}

fn question(view: &PageView<'_>, item: &Item) -> Markup {
    let texts = view.texts;
    let lang = texts.lang();
    let id = item.id.as_str();
    let error = view.errors.iter().find(|error| error.item == id);
    let answer = view.answers.get(&item.id);
    if let ItemKind::Display = item.kind {
        return html! { p class="display" id={ "q-" (id) } { (item.text.get(lang)) } };
    }
    let number = view.survey.question_number(&item.id).unwrap_or_default();
    let hint = hint(texts, item);
    let described = format!(
        "{id}-hint{}",
        if error.is_some() {
            format!(" {id}-error")
        } else {
            String::new()
        }
    );
    let heading = html! {
        span class="number" { (texts.fill("question_number", &[("number", &number.to_string())])) }
        " " (item.text.get(lang))
    };
    let notes = html! {
        @if let Some(help) = &item.help { p class="help" { (help.get(lang)) } }
        p class="hint" id={ (id) "-hint" } { (hint) }
        @if let Some(error) = error { p class="error" id={ (id) "-error" } { (error.message) } }
    };
    let class = if error.is_some() {
        "question has-error"
    } else {
        "question"
    };
    match &item.kind {
        ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
            let chosen = match answer {
                Some(Answer::Choice(code)) => vec![code.as_str()],
                _ => vec![],
            };
            html! {
                fieldset class=(class) id={ "q-" (id) } aria-describedby=(described) {
                    legend { (heading) }
                    (notes)
                    (choices(lang, id, id, options, &chosen, "radio"))
                }
            }
        }
        ItemKind::MultipleChoice(options) => {
            let chosen: Vec<&str> = match answer {
                Some(Answer::Choices(codes)) => codes.iter().map(|c| c.as_str()).collect(),
                _ => vec![],
            };
            html! {
                fieldset class=(class) id={ "q-" (id) } aria-describedby=(described) {
                    legend { (heading) }
                    (notes)
                    (choices(lang, id, id, options, &chosen, "checkbox"))
                }
            }
        }
        ItemKind::Rating(rating) => {
            let chosen = match answer {
                Some(Answer::Rating(value)) => Some(*value),
                _ => None,
            };
            let (low, high) = Rating::RANGE;
            html! {
                fieldset class={ (class) " rating" } id={ "q-" (id) } aria-describedby=(described) {
                    legend { (heading) }
                    (notes)
                    p class="scale-ends" aria-hidden="true" { span { "0 = " (rating.low_label.get(lang)) } span { "10 = " (rating.high_label.get(lang)) } }
                    div class="rating-options" {
                        @for value in low..=high {
                            div class="option" {
                                input type="radio" id={ (id) "-" (value) } name=(id) value=(value) checked[chosen == Some(value)];
                                label for={ (id) "-" (value) } {
                                    (value)
                                    @if value == low { span class="visually-hidden" { " " (rating.low_label.get(lang)) } }
                                    @if value == high { span class="visually-hidden" { " " (rating.high_label.get(lang)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        ItemKind::Number(spec) => {
            let current = match answer {
                Some(Answer::Number(number)) => number.to_string(),
                _ => String::new(),
            };
            html! {
                div class=(class) id={ "q-" (id) } {
                    label for=(id) { (heading) }
                    (notes)
                    input type="text" inputmode=(if spec.integer { "numeric" } else { "decimal" }) id=(id) name=(id) value=(current) size="8" aria-describedby=(described) aria-invalid=[error.map(|_| "true")];
                    @if let Some(unit) = &spec.unit { " " span class="unit" { (unit.get(lang)) } }
                }
            }
        }
        ItemKind::Text(spec) => {
            let current = match answer {
                Some(Answer::Text(text)) => text.as_str(),
                _ => "",
            };
            html! {
                div class=(class) id={ "q-" (id) } {
                    label for=(id) { (heading) }
                    (notes)
                    @if spec.long {
                        textarea id=(id) name=(id) rows="6" maxlength=(spec.max_length) aria-describedby=(described) aria-invalid=[error.map(|_| "true")] { (current) }
                    } @else {
                        input type="text" id=(id) name=(id) value=(current) maxlength=(spec.max_length) aria-describedby=(described) aria-invalid=[error.map(|_| "true")];
                    }
                }
            }
        }
        ItemKind::MonthYear(spec) => {
            let (month, year) = match answer {
                Some(Answer::MonthYear { year, month }) => (Some(*month), Some(*year)),
                _ => (None, None),
            };
            html! {
                fieldset class=(class) id={ "q-" (id) } aria-describedby=(described) {
                    legend { (heading) }
                    (notes)
                    div class="month-year" {
                        label for={ (id) ".month" } { (texts.get("month_label")) }
                        select id={ (id) ".month" } name={ (id) ".month" } {
                            option value="" { (texts.get("choose")) }
                            @for m in 1..=12u8 { option value=(m) selected[month == Some(m)] { (texts.month(m)) } }
                        }
                        label for={ (id) ".year" } { (texts.get("year_label")) }
                        select id={ (id) ".year" } name={ (id) ".year" } {
                            option value="" { (texts.get("choose")) }
                            @for y in (spec.min_year..=spec.max_year).rev() { option value=(y) selected[year == Some(y)] { (y) } }
                        }
                    }
                }
            }
        }
        ItemKind::Matrix(matrix) => {
            html! {
                fieldset class={ (class) " matrix" } id={ "q-" (id) } aria-describedby=(described) {
                    legend { (heading) }
                    (notes)
                    @for row in &matrix.rows {
                        @let name = format!("{id}.{}", row.id);
                        @let chosen = match answer { Some(Answer::Matrix(rows)) => rows.get(&row.id).map(|code| vec![code.as_str()]).unwrap_or_default(), _ => vec![] };
                        fieldset class="row" {
                            legend { (row.text.get(lang)) }
                            (choices(lang, &name, &name, &matrix.options, &chosen, "radio"))
                        }
                    }
                }
            }
        }
        ItemKind::Display => html! {},
    }
}

fn choices(
    lang: &Lang,
    name: &str,
    id_prefix: &str,
    options: &Options,
    chosen: &[&str],
    input: &str,
) -> Markup {
    html! {
        div class="options" {
            @for option in &options.options {
                @let id = format!("{id_prefix}-{}", option.code);
                div class="option" {
                    input type=(input) id=(id) name=(name) value=(option.code.as_str()) checked[chosen.contains(&option.code.as_str())];
                    label for=(id) { (option.label.get(lang)) }
                }
            }
        }
    }
}

fn hint(texts: &Texts, item: &Item) -> String {
    let base = match &item.kind {
        ItemKind::MultipleChoice(_) => texts.get("tick_all"),
        ItemKind::Rating(_) => texts.get("rating_hint"),
        ItemKind::Number(spec) => texts.fill(
            "number_hint",
            &[
                ("min", &spec.min.to_string()),
                ("max", &spec.max.to_string()),
            ],
        ),
        ItemKind::Text(spec) => texts.fill("text_hint", &[("max", &spec.max_length.to_string())]),
        _ => String::new(),
    };
    let need = if item.required {
        texts.get("required_hint")
    } else {
        texts.get("optional_hint")
    };
    if base.is_empty() {
        need
    } else {
        format!("{base} {need}")
    }
}
