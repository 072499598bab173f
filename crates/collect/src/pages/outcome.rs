//! Short pages that end a visit: thank you, opted out, link unavailable, too many attempts.

use maud::{html, Markup};

use crate::i18n::Texts;

/// Texts of a page with a heading and paragraphs.
pub fn message(texts: &Texts, heading: &str, paragraphs: &[&str]) -> (String, Markup) {
    let heading = texts.get(heading);
    let body = html! {
        @for paragraph in paragraphs {
            p { (texts.get(paragraph)) }
        }
    };
    (heading, body)
}
