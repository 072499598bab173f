//! The paper questionnaire: one HTML document with a print stylesheet (A4), numbered questions
//! (the same numbers as on the web pages), tick boxes numbered as data entry types them,
//! routing in words ("If No, go to question 12"), matrices as grids and a box for the access
//! code on the first page. `large` sets it in large print.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use vecu_survey::{Answer, Answers, Condition, Expected, Item, ItemKind, ItemRef, Survey};

use crate::i18n::Texts;

/// The print stylesheet: A4, black on white, boxes that a pen can tick and a keyer can read.
const PRINT_CSS: &str = include_str!("../../static/paper.css");

/// The questionnaire of `survey` in `lang` (the survey's first language when it lacks `lang`).
pub fn questionnaire(survey: &Survey, lang: &str, large: bool) -> String {
    let texts = Texts::choose(survey, Some(lang), None);
    let lang = texts.lang().clone();
    let title = survey.title.get(&lang);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.as_str()) {
            head {
                meta charset="utf-8";
                title { (title) }
                style { (PreEscaped(PRINT_CSS)) }
            }
            body class={ @if large { "large" } } {
                header class="first-page" {
                    div class="code-box" {
                        p class="code-label" { (texts.get("paper_code_box")) }
                        div class="code-space" {}
                    }
                    h1 { (title) }
                    @if let Some(description) = &survey.description {
                        p { (description.get(&lang)) }
                    }
                    p { (texts.get("paper_instructions")) }
                    p { (texts.get("paper_online")) }
                }
                main {
                    @for (section_idx, section) in survey.sections.iter().enumerate() {
                        section class="section" {
                            // The heading stays on the page of the part's first question.
                            div class="section-start" {
                                h2 { (section.title.get(&lang)) }
                                @if let Some(condition) = &section.show_if {
                                    p class="routing" { (only_if(survey, &texts, "paper_section_only_if", condition)) }
                                }
                                @if let Some(intro) = &section.intro {
                                    p class="intro" { (intro.get(&lang)) }
                                }
                                @if let Some(first) = section.items.first() {
                                    (question(survey, &texts, (section_idx, 0), first))
                                }
                            }
                            @for (item_idx, item) in section.items.iter().enumerate().skip(1) {
                                (question(survey, &texts, (section_idx, item_idx), item))
                            }
                        }
                    }
                    p class="end" { (texts.get("paper_end")) }
                }
            }
        }
    };
    markup.into_string()
}

/// One question; `at` is its (section, item) position, for routing.
fn question(survey: &Survey, texts: &Texts, at: (usize, usize), item: &Item) -> Markup {
    let lang = texts.lang();
    let Some(number) = survey.question_number(&item.id) else {
        return html! { p class="display" { (item.text.get(lang)) } };
    };
    let covered = routed_by_previous(survey, item);
    html! {
        div class="q" id={ "q" (number) } {
            @if let (Some(condition), false) = (&item.show_if, covered) {
                p class="routing" { (only_if(survey, texts, "paper_only_if", condition)) }
            }
            p class="q-text" {
                span class="q-number" { (number) }
                " " (item.text.get(lang))
            }
            @if let Some(help) = &item.help {
                p class="hint" { (help.get(lang)) }
            }
            (answer_space(survey, texts, at, item))
        }
    }
}

fn answer_space(survey: &Survey, texts: &Texts, at: (usize, usize), item: &Item) -> Markup {
    let lang = texts.lang();
    match &item.kind {
        ItemKind::SingleChoice(options) | ItemKind::Scale(options) => html! {
            p class="how" { (texts.get("paper_tick_one")) }
            ul class="options" {
                @for (idx, option) in options.options.iter().enumerate() {
                    li {
                        span class="box" {} span class="n" { (idx + 1) } " " (option.label.get(lang))
                        @if let Some(target) = go_to(survey, at, item, option.code.as_str()) {
                            " " span class="goto" { "→ " (target_words(texts, target)) }
                        }
                    }
                }
            }
        },
        ItemKind::MultipleChoice(options) => html! {
            p class="how" { (texts.get("paper_tick_all")) }
            ul class="options" {
                @for (idx, option) in options.options.iter().enumerate() {
                    li { span class="box" {} span class="n" { (idx + 1) } " " (option.label.get(lang)) }
                }
            }
        },
        ItemKind::Rating(rating) => html! {
            p class="how" { (texts.get("paper_tick_one")) }
            table class="rating" {
                tr { @for value in 0..=10 { td { span class="box" {} br; (value) } } }
                tr {
                    td colspan="5" class="low" { (rating.low_label.get(lang)) }
                    td {}
                    td colspan="5" class="high" { (rating.high_label.get(lang)) }
                }
            }
        },
        ItemKind::Number(spec) => html! {
            p class="number" {
                @for _ in 0..digits(spec.max) { span class="digit" {} }
                @if let Some(unit) = &spec.unit { " " (unit.get(lang)) }
            }
        },
        ItemKind::Text(spec) => html! {
            div class={ "lines" @if spec.long { " long" } } {}
        },
        ItemKind::MonthYear(_) => html! {
            p class="number" {
                (texts.get("paper_month")) " " span class="digit" {} span class="digit" {}
                "   " (texts.get("paper_year")) " " @for _ in 0..4 { span class="digit" {} }
            }
        },
        ItemKind::Matrix(matrix) => html! {
            p class="how" { (texts.get("paper_tick_row")) }
            table class="grid" {
                thead {
                    tr {
                        td {}
                        @for (idx, option) in matrix.options.options.iter().enumerate() {
                            th scope="col" { span class="n" { (idx + 1) } " " (option.label.get(lang)) }
                        }
                    }
                }
                tbody {
                    @for (row_idx, row) in matrix.rows.iter().enumerate() {
                        tr {
                            th scope="row" { (letter(row_idx)) ". " (row.text.get(lang)) }
                            @for _ in &matrix.options.options { td { span class="box" {} } }
                        }
                    }
                }
            }
        },
        ItemKind::Display => html! {},
    }
}

/// Rows of a matrix are lettered a, b, c... (question 12b).
pub fn letter(row_idx: usize) -> char {
    u8::try_from(row_idx % 26).map_or('?', |idx| char::from(b'a' + idx))
}

fn digits(max: f64) -> usize {
    let digits = max.abs().max(1.0).log10().floor() as usize + 1;
    digits.clamp(1, 6)
}

/// Where routing sends a patient who ticks `code` on `item`: the first question after the
/// questions (and sections) that this answer skips. `None` when nothing is skipped.
fn go_to(
    survey: &Survey,
    (section_idx, item_idx): (usize, usize),
    item: &Item,
    code: &str,
) -> Option<Target> {
    let mut answers = Answers::new();
    answers.insert(
        item.id.clone(),
        Answer::Choice(vecu_survey::Code::parse(code)?),
    );
    let hides = |condition: Option<&Condition>| {
        only_on(condition, item) && condition.is_some_and(|c| !c.holds(survey, &answers))
    };
    let mut skipped = 0;
    for (s_idx, later) in after(survey, section_idx, item_idx) {
        let hidden =
            hides(survey.sections[s_idx].show_if.as_ref()) || hides(later.show_if.as_ref());
        if later.kind == ItemKind::Display {
            continue;
        }
        if hidden {
            skipped += 1;
            continue;
        }
        let number = survey.question_number(&later.id).unwrap_or_default();
        return (skipped > 0).then_some(Target::Question(number));
    }
    (skipped > 0).then_some(Target::End)
}

/// Where a go-to instruction leads.
enum Target {
    Question(usize),
    End,
}

fn target_words(texts: &Texts, target: Target) -> String {
    match target {
        Target::Question(number) => texts.fill("paper_go_to", &[("number", &number.to_string())]),
        Target::End => texts.get("paper_go_to_end"),
    }
}

/// Whether a condition refers to `item` alone, so that its answer decides it.
fn only_on(condition: Option<&Condition>, item: &Item) -> bool {
    condition.is_some_and(|condition| {
        condition
            .references()
            .iter()
            .all(|reference| reference.item == item.id && reference.row.is_none())
    })
}

/// Items after (section_idx, item_idx), with their section.
fn after(
    survey: &Survey,
    section_idx: usize,
    item_idx: usize,
) -> impl Iterator<Item = (usize, &Item)> {
    survey
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s_idx, section)| {
            section
                .items
                .iter()
                .enumerate()
                .map(move |(i_idx, item)| (s_idx, i_idx, item))
        })
        .filter(move |&(s_idx, i_idx, _)| (s_idx, i_idx) > (section_idx, item_idx))
        .map(|(s_idx, _, item)| (s_idx, item))
}

/// Whether a go-to instruction of an earlier single-choice question already routes around
/// this item, so that "answer only if" would say the same again.
fn routed_by_previous(survey: &Survey, item: &Item) -> bool {
    let Some(condition) = &item.show_if else {
        return false;
    };
    let references = condition.references();
    let Some(first) = references.first() else {
        return false;
    };
    let Some(source) = survey.item(first.item.as_str()) else {
        return false;
    };
    let single = matches!(source.kind, ItemKind::SingleChoice(_) | ItemKind::Scale(_));
    // Routed when every question between the source and this one is routed on the source too.
    single
        && only_on(Some(condition), source)
        && survey
            .items()
            .skip_while(|(_, between)| between.id != source.id)
            .skip(1)
            .take_while(|(_, between)| between.id != item.id)
            .all(|(_, between)| {
                between.kind == ItemKind::Display || only_on(between.show_if.as_ref(), source)
            })
}

/// "Answer ... only if" and the condition in words; French elides "si il" into "s'il".
fn only_if(survey: &Survey, texts: &Texts, lead: &str, condition: &Condition) -> String {
    format!(
        "{} {}.",
        texts.get(lead),
        in_words(survey, texts, condition)
    )
    .replace(" si il ", " s’il ")
}

/// A condition in words, with question numbers and answer labels.
fn in_words(survey: &Survey, texts: &Texts, condition: &Condition) -> String {
    let lang = texts.lang();
    let question = |target: &ItemRef| -> String {
        let number = survey.question_number(&target.item).unwrap_or_default();
        let row = target.row.as_ref().and_then(|row| {
            let item = survey.item(target.item.as_str())?;
            let ItemKind::Matrix(matrix) = &item.kind else {
                return None;
            };
            matrix.rows.iter().position(|r| &r.id == row).map(letter)
        });
        format!("{number}{}", row.map(String::from).unwrap_or_default())
    };
    let label = |target: &ItemRef, code: &str| -> String {
        survey
            .item(target.item.as_str())
            .and_then(|item| item.kind.options())
            .and_then(|options| options.find(code))
            .map_or(code.to_owned(), |option| {
                format!("« {} »", option.label.get(lang))
            })
    };
    let join = |parts: &[Condition], word: &str| {
        parts
            .iter()
            .map(|part| in_words(survey, texts, part))
            .collect::<Vec<_>>()
            .join(&format!(" {} ", texts.get(word)))
    };
    match condition {
        Condition::All(parts) => join(parts, "paper_and"),
        Condition::Any(parts) => join(parts, "paper_or"),
        Condition::Not(inner) => texts.fill(
            "paper_not",
            &[("condition", &in_words(survey, texts, inner))],
        ),
        Condition::Answered(target) => {
            texts.fill("paper_answered", &[("number", &question(target))])
        }
        Condition::Equals(target, Expected::Code(code)) => texts.fill(
            "paper_answer_was",
            &[
                ("number", &question(target)),
                ("answer", &label(target, code.as_str())),
            ],
        ),
        Condition::Equals(target, Expected::Number(value)) => texts.fill(
            "paper_answer_was",
            &[
                ("number", &question(target)),
                ("answer", &value.to_string()),
            ],
        ),
        Condition::OneOf(target, codes) => texts.fill(
            "paper_answer_was",
            &[
                ("number", &question(target)),
                (
                    "answer",
                    &codes
                        .iter()
                        .map(|code| label(target, code.as_str()))
                        .collect::<Vec<_>>()
                        .join(&format!(" {} ", texts.get("paper_or"))),
                ),
            ],
        ),
        Condition::GreaterThan(target, bound) => texts.fill(
            "paper_more_than",
            &[("number", &question(target)), ("value", &bound.to_string())],
        ),
        Condition::LessThan(target, bound) => texts.fill(
            "paper_less_than",
            &[("number", &question(target)), ("value", &bound.to_string())],
        ),
    }
}
