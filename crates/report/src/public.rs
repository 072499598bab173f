//! The public results page of a wave: what came of the answers, for the patients who gave them
//! and anyone else, without a login. It shows the published report only: the co-authors'
//! plain-language summary, how many answered, what goes well and what most needs work, and one
//! chart per domain. Its own words and the domains' charts (drawn in each of the survey's
//! languages when the report was made) are in the reader's language; the report's texts stay in
//! the report's, marked with their language (WCAG 3.1.2). No script, no external resource.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use vecu_survey::Survey;

use crate::document::{Document, Methods, TextBlock};
use crate::finding::{Finding, FindingKind};
use crate::public_words::{language_name, say, Word};
use crate::render::{accessible_svg, head};

/// Questions in each of the lists "what goes well" and "what most needs work".
pub const PUBLIC_HIGHLIGHTS: usize = 5;

const STYLE: &str = r#"
.langs ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.langs a { display: inline-block; padding: .35rem .2rem; }
.langs a[aria-current] { font-weight: bold; color: #1d1d1d; text-decoration: none; }
.lead { font-size: 1.2rem; }
.note { font-size: .95rem; color: #444; }
.summary { border-left: 5px solid #009E73; padding: .25rem 1rem; background: #f3faf7; }
.scores li { margin: .4rem 0; }
.scores .score { font-weight: bold; white-space: nowrap; }
footer { margin-top: 3rem; border-top: 1px solid #ccc; padding-top: 1rem; }
"#;

/// A language the page is offered in, and the link to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLanguage {
    /// Its code (`fr`, `de`, `it`, `en`).
    pub lang: String,
    /// The page in that language (`?lang=de` on the server, `de.html` beside a static copy).
    pub href: String,
}

/// Why the public page has no results to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicNotice {
    /// No wave has this address.
    Unknown,
    /// The wave's report is not published yet.
    NotPublished,
}

/// A finding's title and description as the page shows them, with their language: the
/// survey's own words in the reader's language where the survey has it, else the report's.
struct Named {
    title: String,
    description: String,
    lang: String,
}

fn named(finding: &Finding, survey: Option<&Survey>, lang: &str, text_lang: &str) -> Named {
    let reader = survey.and_then(|survey| survey.language(lang).map(|l| (survey, l)));
    match (reader, finding.id.split_once(':')) {
        (Some((survey, reader)), Some(("domain", id))) => Named {
            title: survey.domain_label(id, reader),
            description: survey
                .domain(id)
                .and_then(|domain| domain.description.as_ref())
                .map(|text| text.get(reader).to_owned())
                .unwrap_or_default(),
            lang: lang.to_owned(),
        },
        (Some((survey, _)), Some(("item", id))) => Named {
            title: vecu_analysis::item_label(survey, id, lang),
            description: String::new(),
            lang: lang.to_owned(),
        },
        _ => Named {
            title: finding.title.clone(),
            description: finding.description.clone(),
            lang: text_lang.to_owned(),
        },
    }
}

/// The public results page of a published report, in `lang`. With the report's survey, the
/// questions and domains are named in the reader's language; the co-authors' summary stays in
/// the report's.
pub fn public_html(
    document: &Document,
    survey: Option<&Survey>,
    lang: &str,
    languages: &[PageLanguage],
) -> String {
    let text_lang = document.lang.as_str();
    let title = say(lang, Word::Title);
    let summary: Vec<&TextBlock> = document
        .blocks
        .iter()
        .filter(|block| block.kind == "summary")
        .collect();
    let (best, worst) = document.best_and_worst(PUBLIC_HIGHLIGHTS);
    let domains: Vec<&Finding> = document
        .findings
        .iter()
        // A theme whose score is hidden (too few answered) says nothing to a patient.
        .filter(|finding| finding.kind == FindingKind::Domain && finding.score.is_some())
        .collect();
    let other_language = base(text_lang) != base(lang);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            (head(&format!("{title} — {}", document.title), STYLE))
            body {
                header {
                    (language_switch(lang, languages))
                    h1 { (title) }
                    p class="lead" lang=(text_lang) { (document.title) }
                }
                main {
                    p { (say(lang, Word::Intro)) }
                    section aria-labelledby="answered" {
                        h2 id="answered" { (say(lang, Word::Answered)) }
                        p { (answered_sentence(lang, &document.methods)) }
                    }
                    @if !summary.is_empty() {
                        section aria-labelledby="main-points" {
                            h2 id="main-points" { (say(lang, Word::MainPoints)) }
                            div class="summary" lang=(text_lang) {
                                @for block in &summary {
                                    @for paragraph in block.text.split("\n\n") { p { (paragraph) } }
                                }
                            }
                            p class="note" {
                                (say(lang, Word::WrittenBy))
                                @if other_language {
                                    " " (say(lang, Word::OriginalIn)) " "
                                    span lang=(text_lang) { (language_name(text_lang)) } "."
                                }
                            }
                        }
                    }
                    @for (id, heading, findings) in [("goes-well", Word::GoesWell, &best), ("needs-work", Word::NeedsWork, &worst)] {
                        @if !findings.is_empty() {
                            section aria-labelledby=(id) {
                                h2 id=(id) { (say(lang, heading)) }
                                p class="note" { (say(lang, Word::PositiveShare)) }
                                ol class="scores" {
                                    @for finding in findings {
                                        @let name = named(finding, survey, lang, text_lang);
                                        li {
                                            span lang=(name.lang) { (name.title) }
                                            @if let Some(score) = finding.score {
                                                " — " span class="score" { (format!("{score:.0} %")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if !domains.is_empty() {
                        section aria-labelledby="themes" {
                            h2 id="themes" { (say(lang, Word::ByTheme)) }
                            @if domains.iter().any(|finding| finding.chart_svg.is_some()) {
                                p class="note" { (say(lang, Word::ByThemeIntro)) }
                            }
                            @for finding in domains {
                                @let name = named(finding, survey, lang, text_lang);
                                section {
                                    h3 lang=(name.lang) { (name.title) }
                                    @if !name.description.is_empty() { p lang=(name.lang) { (name.description) } }
                                    @if let Some(score) = finding.score {
                                        p { (say(lang, Word::Score).replace("{score}", &format!("{score:.0}"))) }
                                    }
                                    // The chart in the reader's language when the report has it
                                    // drawn so, else in the report's.
                                    @if let Some(svg) = finding.charts_in.get(lang) {
                                        figure lang=(lang) { (PreEscaped(accessible_svg(svg, &name.title))) }
                                    } @else if let Some(svg) = &finding.chart_svg {
                                        figure lang=(text_lang) { (PreEscaped(accessible_svg(svg, &name.title))) }
                                    }
                                }
                            }
                        }
                    }
                }
                footer { p { (say(lang, Word::NoRecord)) } }
            }
        }
    };
    markup.into_string()
}

/// The page said when there are no results to show (404): an unknown address, or results not
/// published yet, in `lang`.
pub fn public_notice_html(notice: PublicNotice, lang: &str, languages: &[PageLanguage]) -> String {
    let (heading, text) = match notice {
        PublicNotice::Unknown => (Word::UnknownTitle, Word::UnknownText),
        PublicNotice::NotPublished => (Word::NotPublishedTitle, Word::NotPublishedText),
    };
    let heading = say(lang, heading);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            (head(heading, STYLE))
            body {
                header {
                    (language_switch(lang, languages))
                    h1 { (heading) }
                }
                main { p { (say(lang, text)) } }
                footer { p { (say(lang, Word::NoRecord)) } }
            }
        }
    };
    markup.into_string()
}

fn base(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

/// Links to the page in the other languages, each named in its own language.
fn language_switch(lang: &str, languages: &[PageLanguage]) -> Markup {
    html! {
        @if languages.len() > 1 {
            nav class="langs" aria-label=(say(lang, Word::Language)) {
                ul {
                    @for other in languages {
                        li {
                            @if other.lang == lang {
                                a href=(other.href) lang=(other.lang) hreflang=(other.lang) aria-current="page" { (language_name(&other.lang)) }
                            } @else {
                                a href=(other.href) lang=(other.lang) hreflang=(other.lang) { (language_name(&other.lang)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "1234 patients answered, out of 3000 invited (41 %).", in `lang`.
pub(crate) fn answered_sentence(lang: &str, methods: &Methods) -> String {
    let n = methods.respondents.to_string();
    let one = methods.respondents == 1;
    match (methods.invited, methods.response_rate) {
        (Some(invited), Some(rate)) => say(
            lang,
            if one {
                Word::AnsweredOneOfInvited
            } else {
                Word::AnsweredOfInvited
            },
        )
        .replace("{n}", &n)
        .replace("{invited}", &invited.to_string())
        .replace("{rate}", &format!("{rate:.0}")),
        _ if one => say(lang, Word::AnsweredOne).to_owned(),
        _ => say(lang, Word::AnsweredCount).replace("{n}", &n),
    }
}

#[cfg(test)]
mod tests {
    use super::answered_sentence;
    use crate::document::Methods;

    #[test]
    fn one_respondent_is_said_in_the_singular() {
        let one = Methods {
            respondents: 1,
            ..Methods::default()
        };
        assert_eq!(
            answered_sentence("fr", &one),
            "Une patiente ou un patient a répondu."
        );
        let of_invited = Methods {
            invited: Some(40),
            response_rate: Some(2.4),
            ..one
        };
        assert_eq!(
            answered_sentence("de", &of_invited),
            "Eine Patientin oder ein Patient hat geantwortet, von 40 Eingeladenen (2 %)."
        );
        let many = Methods {
            respondents: 12,
            ..Methods::default()
        };
        assert_eq!(
            answered_sentence("it", &many),
            "12 pazienti hanno risposto."
        );
    }
}
