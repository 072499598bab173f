//! The welcome page of an invitation link: what, who, how answers are protected, start, opt out.
//! Loading it changes nothing (mail scanners open links); starting is a POST.

use maud::{html, Markup};
use vecu_survey::Survey;

use crate::i18n::Texts;

/// Where the welcome page's buttons go, and how it says that answers can be resumed.
pub struct Actions<'a> {
    /// `/s/{token}` for a link, `/c` for an access code: the forms post to `{base}/start` and
    /// `{base}/optout`.
    pub base: &'a str,
    /// Message id of the resume sentence (same link, or the code again).
    pub resume_text: &'a str,
}

/// The welcome page body.
pub fn body(
    texts: &Texts,
    survey: &Survey,
    actions: &Actions<'_>,
    csrf: &str,
    resuming: bool,
) -> Markup {
    let base = actions.base;
    let lang = texts.lang();
    html! {
        @if let Some(description) = &survey.description {
            p { (description.get(lang)) }
        }
        p { (texts.get("welcome_what")) }
        @if let Some(publisher) = &survey.publisher {
            p { (texts.fill("welcome_who", &[("publisher", publisher.get(lang))])) }
        }
        h2 { (texts.get("welcome_privacy_heading")) }
        p { (texts.get("welcome_privacy")) }
        p { (texts.get(actions.resume_text)) }
        form method="post" action={ (base) "/start" } {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="lang" value=(lang.as_str());
            button type="submit" class="primary" {
                @if resuming { (texts.get("continue_button")) } @else { (texts.get("start_button")) }
            }
        }
        h2 { (texts.get("optout_heading")) }
        p { (texts.get("optout_text")) }
        form method="post" action={ (base) "/optout" } {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="lang" value=(lang.as_str());
            button type="submit" class="secondary" { (texts.get("optout_button")) }
        }
    }
}

/// The confirmation page of the opt-out link in e-mails: one button, final.
pub fn optout_confirm(texts: &Texts, token: &str, csrf: &str) -> Markup {
    html! {
        p { (texts.get("optout_confirm")) }
        form method="post" action={ "/s/" (token) "/optout" } {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="lang" value=(texts.lang().as_str());
            button type="submit" class="primary" { (texts.get("optout_button")) }
        }
    }
}
