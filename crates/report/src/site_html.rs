//! A hospital's report as one self-contained, printable HTML file in the reader's language:
//! response rate, where it does best and most needs work, improvement priorities, then every
//! domain and question against all sites with where it stands, and how to read it.

use maud::{html, Markup, DOCTYPE};
use vecu_analysis::item_label;
use vecu_survey::Survey;

use crate::render::head;
use crate::site::{SiteMeasure, SiteResults, Standing};
use crate::site_words::{say, Word};
use crate::words::{phrase, Phrase};

/// The site's name in `lang` (its label in the definition, else its code).
pub fn site_name(survey: &Survey, site: &str, lang: &str) -> String {
    let text_lang = survey
        .language(lang)
        .unwrap_or_else(|| survey.default_language());
    survey
        .comparison_unit()
        .and_then(|unit| unit.find(site))
        .map_or_else(
            || site.to_owned(),
            |value| value.label.get(text_lang).to_owned(),
        )
}

/// The hospital report of `results` as a standalone HTML document in `lang`; `wave` names the
/// wave in the title.
pub fn site_html(survey: &Survey, results: &SiteResults, lang: &str, wave: &str) -> String {
    let name = site_name(survey, &results.site, lang);
    let title = format!("{} — {name}", say(lang, Word::Title));
    let (domains, questions): (Vec<&SiteMeasure>, Vec<&SiteMeasure>) =
        results.measures.iter().partition(|measure| measure.domain);
    let (best, worst) = results.best_and_worst();
    let priorities = results.priorities();
    let partners = results.partner_priorities();
    let label = |measure: &SiteMeasure| measure_label(survey, measure, lang);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            (head(&format!("{title} · {wave}"), SITE_STYLE))
            body {
                header {
                    h1 { (title) }
                    p { (wave) }
                }
                main {
                    section id="glance" {
                        h2 { (say(lang, Word::AtAGlance)) }
                        @if !results.shown {
                            p class="notice" {
                                (say(lang, Word::Hidden1)) " " (results.threshold) " "
                                (say(lang, Word::Hidden2))
                            }
                        }
                        dl {
                            dt { (phrase(lang, Phrase::Respondents)) " (" (say(lang, Word::AllSites)) ")" }
                            dd { (results.respondents) }
                            @if let Some(respondents) = results.site_respondents {
                                dt { (phrase(lang, Phrase::Respondents)) " (" (say(lang, Word::ThisSite)) ")" }
                                dd { (respondents) }
                            }
                            @if let Some(rate) = results.response_rate {
                                dt { (phrase(lang, Phrase::ResponseRate)) " (" (say(lang, Word::ThisSite)) ")" }
                                dd { (percent(lang, rate)) }
                            }
                            @if let Some(rate) = results.all_sites_response_rate {
                                dt { (phrase(lang, Phrase::ResponseRate)) " (" (say(lang, Word::AllSites)) ")" }
                                dd { (percent(lang, rate)) }
                            }
                            @if results.shown {
                                @for standing in [Standing::Above, Standing::Within, Standing::Below] {
                                    dt { (standing_text(lang, standing)) }
                                    dd { (results.measures.iter().filter(|m| m.standing == standing).count()) }
                                }
                            }
                        }
                    }
                    @if results.shown {
                        section id="best" {
                            h2 { (say(lang, Word::Best)) }
                            (highlights(lang, &best, Word::NoneAbove, &label))
                        }
                        section id="worst" {
                            h2 { (say(lang, Word::Worst)) }
                            (highlights(lang, &worst, Word::NoneBelow, &label))
                        }
                        section id="priorities" {
                            h2 { (say(lang, Word::Priorities)) }
                            p { (say(lang, Word::PrioritiesIntro)) }
                            @if priorities.is_empty() {
                                p { (say(lang, Word::NoPriorities)) }
                            } @else {
                                ol { @for measure in &priorities { li { (label(measure)) } } }
                            }
                        }
                        @if !partners.is_empty() {
                            section id="partner-priorities" {
                                h2 { (say(lang, Word::PartnerPriorities)) }
                                p { (say(lang, Word::PartnerPrioritiesIntro)) }
                                ol { @for measure in &partners { li { (label(measure)) } } }
                            }
                        }
                    }
                    section id="domains" {
                        h2 { (say(lang, Word::Domains)) }
                        (table(lang, results, &domains, say(lang, if results.shown { Word::DomainsCaption } else { Word::DomainsBenchmark }), &label))
                    }
                    section id="questions" {
                        h2 { (say(lang, Word::Questions)) }
                        (table(lang, results, &questions, say(lang, if results.shown { Word::QuestionsCaption } else { Word::QuestionsBenchmark }), &label))
                    }
                    @if let Some(words) = results.patient_words.as_ref().filter(|_| results.shown) {
                        (crate::patient_words::site_words_html(lang, words, &site_name(survey, &results.site, lang), say(lang, Word::AllSites)))
                    }
                    section id="reading" {
                        h2 { (say(lang, Word::HowToRead)) }
                        p { (say(lang, Word::HowToReadText)) }
                        p { (phrase(lang, Phrase::Threshold)) ": " (results.threshold) "." }
                    }
                }
            }
        }
    };
    markup.into_string()
}

const SITE_STYLE: &str = r#"
.notice { border-left: 5px solid #D55E00; padding: .4rem 1rem; background: #fdf4ee; }
table { width: 100%; }
th[scope=row] { font-weight: normal; width: 40%; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
tr { break-inside: avoid; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1.5rem; }
dt { font-weight: bold; } dd { margin: 0; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
.above { color: #00613f; font-weight: bold; } .below { color: #8a3b00; font-weight: bold; }
"#;

fn measure_label(survey: &Survey, measure: &SiteMeasure, lang: &str) -> String {
    if measure.domain {
        let text_lang = survey
            .language(lang)
            .unwrap_or_else(|| survey.default_language());
        return survey.domain_label(&measure.item, text_lang);
    }
    // The question's label carries its number as printed.
    item_label(survey, &measure.item, lang)
}

fn percent(lang: &str, value: f64) -> String {
    let space = if matches!(lang, "fr" | "de") {
        "\u{a0}"
    } else {
        ""
    };
    format!("{value:.0}{space}%")
}

fn number(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |value| format!("{value:.0}"))
}

fn range(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(low), Some(high)) => format!("{low:.0}–{high:.0}"),
        _ => "–".to_owned(),
    }
}

fn standing_text(lang: &str, standing: Standing) -> &'static str {
    match standing {
        Standing::Above => say(lang, Word::Above),
        Standing::Within => say(lang, Word::Within),
        Standing::Below => say(lang, Word::Below),
        Standing::NotShown => phrase(lang, Phrase::NotShown),
    }
}

/// The standing in a table, under the expected range's column: in short.
fn standing_short(lang: &str, standing: Standing) -> &'static str {
    match standing {
        Standing::Above => say(lang, Word::AboveShort),
        Standing::Within => say(lang, Word::WithinShort),
        Standing::Below => say(lang, Word::BelowShort),
        Standing::NotShown => phrase(lang, Phrase::NotShown),
    }
}

fn highlights(
    lang: &str,
    measures: &[&SiteMeasure],
    none: Word,
    label: &dyn Fn(&SiteMeasure) -> String,
) -> Markup {
    let figure =
        |value: Option<f64>| value.map_or_else(|| "–".to_owned(), |value| percent(lang, value));
    html! {
        @if measures.is_empty() {
            p { (say(lang, none)) }
        } @else {
            ol {
                @for measure in measures {
                    li {
                        (label(measure)) " — " strong { (figure(measure.score)) }
                        " (" (say(lang, Word::AllSites)) ": " (figure(measure.all_sites)) ")"
                    }
                }
            }
        }
    }
}

/// A word at the head of a table column: with a capital.
fn heading(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn table(
    lang: &str,
    results: &SiteResults,
    measures: &[&SiteMeasure],
    caption: &str,
    label: &dyn Fn(&SiteMeasure) -> String,
) -> Markup {
    let changes = results.shown && measures.iter().any(|measure| measure.change.is_some());
    html! {
        table {
            caption { (caption) }
            thead {
                tr {
                    th scope="col" { (say(lang, Word::Measure)) }
                    th scope="col" class="number" { (heading(say(lang, Word::AllSites))) }
                    @if results.shown {
                        th scope="col" class="number" { (say(lang, Word::Adjusted)) }
                        th scope="col" class="number" { (say(lang, Word::Expected)) }
                        th scope="col" { (say(lang, Word::Standing)) }
                    }
                    @if changes { th scope="col" { (say(lang, Word::Change)) } }
                }
            }
            tbody {
                @for measure in measures {
                    tr {
                        th scope="row" { (label(measure)) }
                        td class="number" { (number(measure.all_sites)) }
                        @if results.shown {
                            td class="number" {
                                (number(measure.score))
                                @if measure.score.is_some() {
                                    " (" (range(measure.score_low, measure.score_high)) ")"
                                }
                            }
                            td class="number" { (range(measure.expected_low, measure.expected_high)) }
                            td class=(match measure.standing { Standing::Above => "above", Standing::Below => "below", _ => "" }) {
                                (standing_short(lang, measure.standing))
                            }
                        }
                        @if changes {
                            td class="number" {
                                @if let Some(change) = measure.change {
                                    (format!("{change:+.0}")) " (" (range(measure.change_low, measure.change_high)) ")"
                                } @else { "–" }
                            }
                        }
                    }
                }
            }
        }
    }
}
