//! The access-code page (`/code`, the address printed on letters): one labelled field, its hint
//! and, after a failed try, an error tied to it.

use maud::{html, Markup};

use crate::i18n::Texts;

/// What went wrong with the code typed, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// Too few or too many characters.
    Length,
    /// A character that no code has, or a check character that does not match.
    Typing,
    /// Unknown, used, expired or opted out: one neutral answer for all.
    Unavailable,
}

impl CodeProblem {
    fn message(self) -> &'static str {
        match self {
            CodeProblem::Length => "code_error_length",
            CodeProblem::Typing => "code_error_typing",
            CodeProblem::Unavailable => "code_unavailable",
        }
    }
}

/// The page body: explanation, the field and the button.
pub fn body(texts: &Texts, csrf: &str, typed: &str, problem: Option<CodeProblem>) -> Markup {
    html! {
        p { (texts.get("code_intro")) }
        @if let Some(problem) = problem {
            div class="error-summary" role="alert" aria-labelledby="error-summary-title" {
                h2 id="error-summary-title" { (texts.get("error_summary_heading")) }
                ul { li { a href="#code" { (texts.get(problem.message())) } } }
            }
        }
        form method="post" action="/code" novalidate {
            input type="hidden" name="csrf" value=(csrf);
            input type="hidden" name="lang" value=(texts.lang().as_str());
            div class={ "question" @if problem.is_some() { " has-error" } } {
                label for="code" { (texts.get("code_label")) }
                p class="hint" id="code-hint" { (texts.get("code_hint")) }
                @if let Some(problem) = problem {
                    p class="error" id="code-error" { (texts.get(problem.message())) }
                }
                input type="text" id="code" name="code" autocomplete="off" spellcheck="false"
                    autocapitalize="characters" size="20" maxlength="40" value=(typed)
                    aria-describedby={ "code-hint" @if problem.is_some() { " code-error" } }
                    aria-invalid=[problem.map(|_| "true")];
            }
            div class="actions" {
                button type="submit" class="primary" { (texts.get("code_button")) }
            }
        }
    }
}
