//! The review page: every shown question with its answer, a link back to each page, and send.

use maud::{html, Markup};
use vecu_survey::{Answer, Item, ItemKind, Survey, Visibility};

use crate::i18n::Texts;

/// The review page body.
pub fn body(
    survey: &Survey,
    texts: &Texts,
    visibility: &Visibility,
    pages: &[usize],
    csrf: &str,
) -> Markup {
    let lang = texts.lang();
    html! {
        p { (texts.get("review_intro")) }
        @for (page_idx, &section_idx) in pages.iter().enumerate() {
            @let section = &survey.sections[section_idx];
            section {
                h2 { (section.title.get(lang)) }
                dl {
                    @for item in section.items.iter().filter(|item| item.kind != ItemKind::Display && visibility.item_shown(&item.id)) {
                        dt {
                            span class="number" { (texts.fill("question_number", &[("number", &survey.question_number(&item.id).unwrap_or_default().to_string())])) }
                            " " (item.text.get(lang))
                        }
                        dd { (answer_text(item, visibility.shown_answers().get(&item.id), texts)) }
                    }
                }
                p {
                    a href={ "/q/" (section_idx) } {
                        (texts.get("change_link"))
                        span class="visually-hidden" { " " (texts.fill("change_link_hidden", &[("page", &(page_idx + 1).to_string())])) }
                    }
                }
            }
        }
        form method="post" action="/q/submit" {
            input type="hidden" name="csrf" value=(csrf);
            button type="submit" class="primary" { (texts.get("submit_button")) }
        }
    }
}

/// An answer in words.
fn answer_text(item: &Item, answer: Option<&Answer>, texts: &Texts) -> String {
    let lang = texts.lang();
    let label = |code: &str| {
        item.kind
            .options()
            .and_then(|options| options.find(code))
            .map(|option| option.label.get(lang).to_owned())
            .unwrap_or_else(|| code.to_owned())
    };
    match answer {
        None => texts.get("not_answered"),
        Some(Answer::Choice(code)) => label(code.as_str()),
        Some(Answer::Choices(codes)) => codes
            .iter()
            .map(|code| label(code.as_str()))
            .collect::<Vec<_>>()
            .join("; "),
        Some(Answer::Rating(value)) => format!("{value} / 10"),
        Some(Answer::Number(number)) => match &item.kind {
            ItemKind::Number(spec) => format!(
                "{number} {}",
                spec.unit
                    .as_ref()
                    .map(|unit| unit.get(lang))
                    .unwrap_or_default()
            )
            .trim()
            .to_owned(),
            _ => number.to_string(),
        },
        Some(Answer::Text(text)) => text.clone(),
        Some(Answer::MonthYear { year, month }) => format!("{} {year}", texts.month(*month)),
        Some(Answer::Matrix(rows)) => match &item.kind {
            ItemKind::Matrix(matrix) => matrix
                .rows
                .iter()
                .map(|row| {
                    let value = rows
                        .get(&row.id)
                        .map(|code| label(code.as_str()))
                        .unwrap_or_else(|| texts.get("not_answered"));
                    format!("{}: {value}", row.text.get(lang))
                })
                .collect::<Vec<_>>()
                .join("; "),
            _ => String::new(),
        },
    }
}
