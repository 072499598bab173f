//! "In patients' words": the themes of the wave's coded comments with how often each came up,
//! and the quotes a researcher and a patient partner both approved (issue 15). Figures from
//! fewer comments than the report's threshold are not shown.

use maud::{html, Markup};
use serde::{Deserialize, Serialize};

/// The section's content.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PatientWords {
    /// Comments with a final code (settled, or coded alike by both coders).
    pub coded: u64,
    /// Themes, most frequent first.
    pub themes: Vec<ThemeCount>,
    /// Approved quotes.
    pub quotes: Vec<Quoted>,
    /// The themes' chart (SVG), drawn from the same suppressed figures.
    #[serde(default)]
    pub chart_svg: Option<String>,
}

/// A quote in the patient's words, with its language (marked in the page, WCAG 3.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quoted {
    /// The words.
    pub text: String,
    /// Their language tag.
    pub lang: String,
}

/// One theme and how often it came up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeCount {
    /// The theme's label in the report's language.
    pub label: String,
    /// Share of coded comments with the theme (0-100); `None` when hidden.
    pub percent: Option<f64>,
}

fn say(lang: &str, key: &str) -> &'static str {
    let [fr, de, it, en] = match key {
        "heading" => ["Avec les mots des patients", "In den Worten der Patientinnen und Patienten", "Con le parole dei pazienti", "In patients' words"],
        "intro" => [
            "Les commentaires écrits par les patients ont été lus et codés par un chercheur et un patient partenaire, chacun de son côté ; leurs désaccords ont été discutés. Part des commentaires codés qui parlent de chaque thème :",
            "Die Kommentare der Patientinnen und Patienten wurden von einer forschenden Person und einem Patientenpartner unabhängig gelesen und codiert; Abweichungen wurden besprochen. Anteil der codierten Kommentare zu jedem Thema:",
            "I commenti scritti dai pazienti sono stati letti e codificati da un ricercatore e da un paziente partner, ciascuno per conto proprio; i disaccordi sono stati discussi. Quota dei commenti codificati che parlano di ciascun tema:",
            "The comments patients wrote were read and coded by a researcher and a patient partner, each on their own; where they differed, they discussed it. Share of coded comments about each theme:",
        ],
        "chart_title" => ["Les thèmes des commentaires", "Die Themen der Kommentare", "I temi dei commenti", "The themes of the comments"],
        "chart_subtitle" => ["Part des commentaires codés qui parlent de chaque thème (%), avec son intervalle de confiance à 95 %", "Anteil der codierten Kommentare zu jedem Thema (%), mit 95-%-Konfidenzintervall", "Quota dei commenti codificati su ciascun tema (%), con intervallo di confidenza al 95%", "Share of coded comments about each theme (%), with its 95% confidence interval"],
        "theme" => ["Thème", "Thema", "Tema", "Theme"],
        "coded" => ["commentaires codés", "codierte Kommentare", "commenti codificati", "coded comments"],
        "hidden" => ["trop peu de commentaires pour le montrer", "zu wenige Kommentare, um es zu zeigen", "troppo pochi commenti per mostrarlo", "too few comments to show"],
        "quotes" => ["Ce qu'ils ont écrit", "Was sie geschrieben haben", "Che cosa hanno scritto", "What they wrote"],
        "quotes_note" => [
            "Citations choisies et approuvées par un chercheur et un patient partenaire, relues pour qu'elles ne permettent de reconnaître personne.",
            "Zitate, ausgewählt und freigegeben von einer forschenden Person und einem Patientenpartner, geprüft, damit niemand erkennbar ist.",
            "Citazioni scelte e approvate da un ricercatore e da un paziente partner, rilette perché nessuno sia riconoscibile.",
            "Quotes chosen and approved by a researcher and a patient partner, checked so that nobody can be recognised.",
        ],
        _ => ["", "", "", ""],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

/// The chart's title, subtitle and the words of a hidden bar, in `lang`.
pub fn chart_text(lang: &str) -> (&'static str, &'static str, &'static str) {
    (
        say(lang, "heading"),
        say(lang, "chart_subtitle"),
        say(lang, "hidden"),
    )
}

/// The section's heading, for the table of contents.
pub fn heading(lang: &str) -> &'static str {
    say(lang, "heading")
}

fn share(lang: &str, theme: &ThemeCount) -> String {
    match theme.percent {
        Some(percent) => format!("{percent:.0} %"),
        None => say(lang, "hidden").to_owned(),
    }
}

/// The section as HTML.
pub fn patient_words_html(lang: &str, words: &PatientWords) -> Markup {
    html! {
        section id="patient-words" {
            h2 { (say(lang, "heading")) }
            p { (say(lang, "intro")) " (" (words.coded) " " (say(lang, "coded")) ")" }
            @if let Some(svg) = &words.chart_svg {
                figure { (maud::PreEscaped(crate::render::accessible_svg(svg, say(lang, "chart_title")))) }
            }
            table {
                tbody {
                    @for theme in &words.themes {
                        tr { th scope="row" { (theme.label) } td { (share(lang, theme)) } }
                    }
                }
            }
            @if !words.quotes.is_empty() {
                h3 { (say(lang, "quotes")) }
                p class="hint" { (say(lang, "quotes_note")) }
                @for quote in &words.quotes {
                    blockquote lang=(quote.lang) { p { "« " (quote.text) " »" } }
                }
            }
        }
    }
}

/// The section as Markdown.
pub fn patient_words_markdown(lang: &str, words: &PatientWords) -> String {
    let mut out = format!(
        "## {}\n\n{} ({} {})\n\n",
        say(lang, "heading"),
        say(lang, "intro"),
        words.coded,
        say(lang, "coded")
    );
    for theme in &words.themes {
        out += &format!("- {}: {}\n", theme.label, share(lang, theme));
    }
    out += "\n";
    if !words.quotes.is_empty() {
        out += &format!(
            "### {}\n\n{}\n\n",
            say(lang, "quotes"),
            say(lang, "quotes_note")
        );
        for quote in &words.quotes {
            out += &format!("> « {} »\n\n", quote.text);
        }
    }
    out
}

/// A site's patients' words, as released with its results: each theme with its labels in every
/// language (the hospital report picks its own), the site's share and the all-sites share,
/// and the approved quotes of the site's comments.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SiteWords {
    /// The site's comments with a final code.
    pub coded: u64,
    /// Themes in the frame's order.
    pub themes: Vec<SiteTheme>,
    /// The site's approved quotes.
    pub quotes: Vec<Quoted>,
}

/// One theme in a site's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteTheme {
    /// Label by language.
    pub label: std::collections::BTreeMap<String, String>,
    /// The site's share (0-100); `None` when hidden.
    pub percent: Option<f64>,
    /// All sites' share (0-100); `None` when hidden.
    pub all_sites: Option<f64>,
}

fn or_hidden(lang: &str, value: Option<f64>) -> String {
    value.map_or_else(|| say(lang, "hidden").to_owned(), |v| format!("{v:.0} %"))
}

/// A hospital report's "In patients' words" section.
pub fn site_words_html(
    lang: &str,
    words: &SiteWords,
    site_heading: &str,
    all_heading: &str,
) -> Markup {
    html! {
        section id="patient-words" {
            h2 { (say(lang, "heading")) }
            p { (say(lang, "intro")) " (" (words.coded) " " (say(lang, "coded")) ")" }
            table {
                thead { tr { th scope="col" { (say(lang, "theme")) } th scope="col" class="number" { (site_heading) } th scope="col" class="number" { (all_heading) } } }
                tbody {
                    @for theme in &words.themes {
                        tr {
                            th scope="row" { (theme.label.get(lang).or_else(|| theme.label.get("en")).map_or("", String::as_str)) }
                            td class="number" { (or_hidden(lang, theme.percent)) }
                            td class="number" { (or_hidden(lang, theme.all_sites)) }
                        }
                    }
                }
            }
            @if !words.quotes.is_empty() {
                h3 { (say(lang, "quotes")) }
                p class="hint" { (say(lang, "quotes_note")) }
                @for quote in &words.quotes {
                    blockquote lang=(quote.lang) { p { "« " (quote.text) " »" } }
                }
            }
        }
    }
}
