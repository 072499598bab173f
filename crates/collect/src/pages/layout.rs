//! The frame of every patient page: language, skip link, header, language switch, footer.

use maud::{html, Markup, DOCTYPE};
use vecu_survey::Survey;

use crate::i18n::{language_name, Texts};

/// Wraps a page body. `switch_base` is the URL the language links point to (`?lang=xx` added).
pub fn page(
    texts: &Texts,
    survey: &Survey,
    heading: &str,
    switch_base: Option<&str>,
    body: Markup,
) -> Markup {
    let languages: Vec<&str> = survey.languages.iter().map(|lang| lang.as_str()).collect();
    frame(
        texts,
        survey.title.get(texts.lang()),
        &languages,
        heading,
        switch_base,
        body,
    )
}

/// The `head` of every page: UTF-8, phone viewport, no referrer, the one stylesheet.
pub fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="no-referrer";
            title { (title) }
            link rel="stylesheet" href="/static/vecu.css";
        }
    }
}

/// The same frame for pages that come before any survey is known (the access-code page) or
/// that serve staff: the site's title and languages are given.
pub fn frame(
    texts: &Texts,
    site_title: &str,
    languages: &[&str],
    heading: &str,
    switch_base: Option<&str>,
    body: Markup,
) -> Markup {
    let current = texts.lang().as_str();
    html! {
        (DOCTYPE)
        html lang=(current) {
            (head(&format!("{heading} – {site_title}")))
            body {
                a class="skip" href="#main" { (texts.get("skip_to_content")) }
                header {
                    p class="survey-title" { (site_title) }
                    @if let Some(base) = switch_base {
                        (language_switch(texts, languages, base))
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (heading) }
                    (body)
                }
                footer { p { (texts.get("footer_privacy")) } }
            }
        }
    }
}

/// Links to the same page in each language (`base?lang=xx`), the current one marked.
pub fn language_switch(texts: &Texts, languages: &[&str], base: &str) -> Markup {
    let current = texts.lang().as_str();
    html! {
        nav aria-label=(texts.get("language_switch")) {
            ul class="languages" {
                @for &lang in languages {
                    li {
                        @if lang == current {
                            span aria-current="true" lang=(lang) { (language_name(lang)) }
                        } @else {
                            a href={ (base) "?lang=" (lang) } lang=(lang) hreflang=(lang) { (language_name(lang)) }
                        }
                    }
                }
            }
        }
    }
}

/// A minimal page for when no survey is known (unknown tokens before any look-up succeeded).
pub fn bare(lang: &str, heading: &str, text: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (heading) }
                link rel="stylesheet" href="/static/vecu.css";
            }
            body {
                main id="main" {
                    h1 { (heading) }
                    p { (text) }
                }
            }
        }
    }
}
