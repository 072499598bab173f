//! The co-coding pages of patients' comments: a wave's comments with the form to code each
//! (themes, tone) and to flag one that still identifies someone, and the page where coders'
//! disagreements are settled. Forms work without JavaScript and with the keyboard alone: after
//! saving, the page comes back at the next comment, where Tab reaches its first theme.

use std::collections::BTreeMap;

use maud::{html, Markup};
use vecu_store::{CodedComment, CommentCode, DoubleCoded, Role};
use vecu_survey::{Theme, TONES};

use super::team::frame;

/// Comments shown per page.
pub const PER_PAGE: usize = 20;

fn say(lang: &str, key: &str) -> &'static str {
    let [fr, de, it, en] = match key {
        "comments" => ["Commentaires des patients", "Kommentare der Patientinnen und Patienten", "Commenti dei pazienti", "Patients' comments"],
        "intro" => [
            "Codez chaque commentaire : ses thèmes et son ton. Vous ne voyez le codage des autres qu'après avoir codé vous-même, et une fois qu'un chercheur et un partenaire l'ont codé. Signalez un commentaire qui permet encore de reconnaître quelqu'un : il sort de tous les résultats jusqu'à ce qu'un chercheur l'ait relu.",
            "Codieren Sie jeden Kommentar: Themen und Ton. Die Codierung der anderen sehen Sie erst, wenn Sie selbst codiert haben und eine forschende Person und ein Partner codiert haben. Melden Sie einen Kommentar, der noch jemanden erkennbar macht: Er fällt aus allen Ergebnissen, bis eine forschende Person ihn geprüft hat.",
            "Codifichi ogni commento: temi e tono. Vede la codifica degli altri solo dopo aver codificato lei stesso e quando un ricercatore e un partner l'hanno codificato. Segnali un commento che permette ancora di riconoscere qualcuno: esce da tutti i risultati finché un ricercatore non l'ha riletto.",
            "Code each comment: its themes and tone. You see others' coding only after coding it yourself, and once a researcher and a partner have coded it. Flag a comment that still lets someone be recognised: it leaves every result until a researcher has reviewed it.",
        ],
        "not_open" => [
            "Les commentaires de cette vague ne sont pas encore ouverts au codage (ils le sont une fois la vague close).",
            "Die Kommentare dieser Welle sind noch nicht zum Codieren geöffnet (das geht, sobald die Welle abgeschlossen ist).",
            "I commenti di questa ondata non sono ancora aperti alla codifica (lo sono una volta chiusa l'ondata).",
            "This wave's comments are not open for coding yet (they can be once the wave is closed).",
        ],
        "open" => [
            "Ouvrir les commentaires au codage (grille de codage cancer fournie)",
            "Kommentare zum Codieren öffnen (mitgelieferter Codierrahmen Krebs)",
            "Aprire i commenti alla codifica (griglia di codifica cancro fornita)",
            "Open the comments for coding (the shipped cancer-care coding frame)",
        ],
        "propose_quote" => ["Proposer comme citation", "Als Zitat vorschlagen", "Proporre come citazione", "Propose as a quote"],
        "quote_text" => ["Citation (les mots du patient, raccourcis si besoin)", "Zitat (die Worte der Person, wenn nötig gekürzt)", "Citazione (le parole del paziente, accorciate se serve)", "Quote (the patient's words, shortened if needed)"],
        "quote_lang" => ["Langue de la citation", "Sprache des Zitats", "Lingua della citazione", "Language of the quote"],
        "send_quote" => ["Proposer la citation", "Zitat vorschlagen", "Proporre la citazione", "Propose the quote"],
        "quote_bank" => ["Citations proposées", "Vorgeschlagene Zitate", "Citazioni proposte", "Proposed quotes"],
        "no_quotes" => ["Aucune citation proposée.", "Keine Zitate vorgeschlagen.", "Nessuna citazione proposta.", "No quote proposed."],
        "approve" => ["Approuver pour mon rôle", "Für meine Rolle freigeben", "Approvare per il mio ruolo", "Approve for my role"],
        "approved_by" => ["Approuvée par", "Freigegeben von", "Approvata da", "Approved by"],
        "waiting_approval" => ["en attente d'approbation", "wartet auf Freigabe", "in attesa di approvazione", "waiting for approval"],
        "agreement" => ["Accord entre codeurs (kappa de Cohen)", "Übereinstimmung der Codierenden (Cohens Kappa)", "Accordo tra codificatori (kappa di Cohen)", "Agreement between coders (Cohen's kappa)"],
        "kappa" => ["kappa (IC 95 %)", "Kappa (95-%-KI)", "kappa (IC 95%)", "kappa (95% CI)"],
        "pairs" => ["commentaires codés par les deux", "von beiden codierte Kommentare", "commenti codificati da entrambi", "comments coded by both"],
        "undefined" => ["non défini", "nicht definiert", "non definito", "undefined"],
        "frame" => ["Grille de codage", "Codierrahmen", "Griglia di codifica", "Coding frame"],
        "frame_intro" => [
            "Ajoutez un thème, changez son libellé ou retirez-le : chaque changement est une nouvelle version, gardée dans l'historique.",
            "Fügen Sie ein Thema hinzu, ändern Sie seine Bezeichnung oder nehmen Sie es heraus: Jede Änderung ist eine neue Version und bleibt in der Geschichte.",
            "Aggiunga un tema, ne cambi l'etichetta o lo tolga: ogni modifica è una nuova versione, conservata nella storia.",
            "Add a theme, change its label or retire it: each change is a new version, kept in the history.",
        ],
        "theme_id" => ["Identifiant (lettres minuscules, chiffres, _ ; celui d'un thème existant pour le changer)", "Kennung (Kleinbuchstaben, Ziffern, _; die eines bestehenden Themas, um es zu ändern)", "Identificativo (lettere minuscole, cifre, _; quello di un tema esistente per cambiarlo)", "Id (lower-case letters, digits, _; an existing theme's to change it)"],
        "label_in" => ["Libellé", "Bezeichnung", "Etichetta", "Label"],
        "retire" => ["Retirer ce thème de la grille", "Dieses Thema aus dem Rahmen nehmen", "Togliere questo tema dalla griglia", "Retire this theme from the frame"],
        "save_theme" => ["Enregistrer le thème", "Thema speichern", "Salvare il tema", "Save the theme"],
        "history" => ["Historique", "Geschichte", "Storia", "History"],
        "version" => ["version", "Version", "versione", "version"],
        "retired" => ["retiré", "herausgenommen", "tolto", "retired"],
        "comment" => ["Commentaire", "Kommentar", "Commento", "Comment"],
        "site" => ["Site", "Standort", "Sede", "Site"],
        "themes" => ["Thèmes", "Themen", "Temi", "Themes"],
        "tone" => ["Ton", "Ton", "Tono", "Tone"],
        "positive" => ["positif", "positiv", "positivo", "positive"],
        "negative" => ["négatif", "negativ", "negativo", "negative"],
        "mixed" => ["mitigé", "gemischt", "misto", "mixed"],
        "save" => ["Enregistrer le codage", "Codierung speichern", "Salvare la codifica", "Save the coding"],
        "yours" => ["Votre codage", "Ihre Codierung", "La sua codifica", "Your coding"],
        "others" => ["Codage des autres", "Codierung der anderen", "Codifica degli altri", "Others' coding"],
        "flagged" => ["Signalé : en attente de relecture par un chercheur.", "Gemeldet: wartet auf Prüfung durch eine forschende Person.", "Segnalato: in attesa di rilettura da parte di un ricercatore.", "Flagged: waiting for a researcher's review."],
        "flag" => ["Signaler : ce commentaire permet de reconnaître quelqu'un", "Melden: Dieser Kommentar macht jemanden erkennbar", "Segnalare: questo commento permette di riconoscere qualcuno", "Flag: this comment lets someone be recognised"],
        "flag_reason" => ["Pourquoi ?", "Warum?", "Perché?", "Why?"],
        "send_flag" => ["Signaler", "Melden", "Segnalare", "Flag"],
        "disagreements" => ["Désaccords à discuter", "Zu besprechende Abweichungen", "Disaccordi da discutere", "Disagreements to discuss"],
        "no_disagreements" => ["Aucun désaccord en attente.", "Keine offenen Abweichungen.", "Nessun disaccordo in sospeso.", "No disagreement waiting."],
        "settle" => ["Décision après discussion", "Entscheid nach der Besprechung", "Decisione dopo la discussione", "Decision after discussion"],
        "note" => ["Ce que la discussion a conclu (obligatoire)", "Ergebnis der Besprechung (Pflichtfeld)", "Che cosa ha concluso la discussione (obbligatorio)", "What the discussion concluded (required)"],
        "send_settle" => ["Enregistrer la décision", "Entscheid speichern", "Registrare la decisione", "Record the decision"],
        "researcher" => ["Chercheur·e", "Forschende Person", "Ricercatore/ricercatrice", "Researcher"],
        "partner" => ["Patient·e partenaire", "Patientenpartner/in", "Paziente partner", "Patient partner"],
        "page" => ["Page", "Seite", "Pagina", "Page"],
        "pages" => ["Pages de commentaires", "Seiten der Kommentare", "Pagine di commenti", "Pages of comments"],
        "none" => ["aucun", "keines", "nessuno", "none"],
        _ => ["", "", "", ""],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

fn code_words(lang: &str, code: &CommentCode, frame: &[Theme]) -> String {
    let themes: Vec<&str> = code
        .themes
        .iter()
        .map(|id| {
            frame
                .iter()
                .find(|theme| &theme.id == id)
                .map_or(id.as_str(), |theme| theme.label_in(lang))
        })
        .collect();
    let themes = if themes.is_empty() {
        say(lang, "none").to_owned()
    } else {
        themes.join(", ")
    };
    format!("{themes} — {}", say(lang, &code.tone))
}

/// The themes and tone fields of a form, `prefix` making the ids unique on the page.
fn code_fields(lang: &str, prefix: &str, frame: &[Theme], current: Option<&CommentCode>) -> Markup {
    html! {
        fieldset {
            legend { (say(lang, "themes")) }
            @for theme in frame {
                @let id = format!("{prefix}-theme-{}", theme.id);
                div class="field" {
                    input type="checkbox" id=(id) name="theme" value=(theme.id)
                        checked[current.is_some_and(|code| code.themes.contains(&theme.id))];
                    label for=(id) { (theme.label_in(lang)) }
                }
            }
        }
        fieldset {
            legend { (say(lang, "tone")) }
            @for tone in TONES {
                @let id = format!("{prefix}-tone-{tone}");
                div class="field" {
                    input type="radio" id=(id) name="tone" value=(tone) required
                        checked[current.is_some_and(|code| code.tone == tone)];
                    label for=(id) { (say(lang, tone)) }
                }
            }
        }
    }
}

/// One page of a wave's comments with their coding forms.
pub fn coding_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    (wave, page): (&str, usize),
    (frame_themes, questions): (&[Theme], &BTreeMap<String, String>),
    comments: &[CodedComment],
) -> Markup {
    let pages = comments.len().div_ceil(PER_PAGE).max(1);
    let first = page * PER_PAGE;
    frame(
        lang,
        say(lang, "comments"),
        Some(who),
        csrf,
        html! {
            p { (say(lang, "intro")) }
            @if frame_themes.is_empty() {
                p { (say(lang, "not_open")) }
                @if who.1.is_researcher() {
                    form method="post" action={ "/team/waves/" (wave) "/comments/open" } {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (say(lang, "open")) }
                    }
                }
            } @else {
                p {
                    a href={ "/team/waves/" (wave) "/comments/disagreements" } { (say(lang, "disagreements")) }
                    " · "
                    a href={ "/team/waves/" (wave) "/quotes" } { (say(lang, "quote_bank")) }
                    " · "
                    a href={ "/team/waves/" (wave) "/coding-frame" } { (say(lang, "frame")) }
                }
            }
            @for (offset, comment) in comments.iter().skip(first).take(PER_PAGE).enumerate() {
                @let number = first + offset + 1;
                @let anchor = format!("comment-{number}");
                article id=(anchor) aria-labelledby={ (anchor) "-title" } {
                    h2 id={ (anchor) "-title" } { (say(lang, "comment")) " " (number) }
                    p class="hint" { (say(lang, "site")) " " (comment.site) " · " (questions.get(&comment.item).map_or(comment.item.as_str(), String::as_str)) }
                    blockquote { p { (comment.text) } }
                    @if comment.flagged { p class="notice" role="status" { (say(lang, "flagged")) } }
                    @if let Some(mine) = &comment.mine {
                        p { strong { (say(lang, "yours")) ": " } (code_words(lang, mine, frame_themes)) }
                    }
                    @for other in &comment.others {
                        p { strong { (say(lang, "others")) ": " } (other.coder) " — " (code_words(lang, other, frame_themes)) }
                    }
                    form method="post" action={ "/team/comments/" (comment.id) "/code" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="back" value={ "/team/waves/" (wave) "/comments?page=" (page) "#comment-" (number + 1) };
                        (code_fields(lang, &anchor, frame_themes, comment.mine.as_ref()))
                        button type="submit" { (say(lang, "save")) }
                    }
                    @if !comment.flagged {
                        details {
                            summary { (say(lang, "propose_quote")) }
                            form method="post" action={ "/team/comments/" (comment.id) "/quotes" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="back" value={ "/team/waves/" (wave) "/quotes" };
                                div class="field" {
                                    label for={ (anchor) "-quote" } { (say(lang, "quote_text")) }
                                    textarea id={ (anchor) "-quote" } name="text" rows="2" required { (comment.text) }
                                }
                                div class="field" {
                                    label for={ (anchor) "-quote-lang" } { (say(lang, "quote_lang")) }
                                    select id={ (anchor) "-quote-lang" } name="lang" {
                                        @for (code, name) in [("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano"), ("en", "English")] {
                                            option value=(code) lang=(code) selected[code == lang] { (name) }
                                        }
                                    }
                                }
                                button type="submit" class="secondary" { (say(lang, "send_quote")) }
                            }
                        }
                    }
                    details {
                        summary { (say(lang, "flag")) }
                        form method="post" action={ "/team/comments/" (comment.id) "/flag" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="back" value={ "/team/waves/" (wave) "/comments?page=" (page) "#" (anchor) };
                            div class="field" {
                                label for={ (anchor) "-flag" } { (say(lang, "flag_reason")) }
                                textarea id={ (anchor) "-flag" } name="reason" rows="2" required {}
                            }
                            button type="submit" class="secondary" { (say(lang, "send_flag")) }
                        }
                    }
                }
            }
            @if pages > 1 {
                nav aria-label=(say(lang, "pages")) {
                    ul class="languages" {
                        @for other in 0..pages {
                            li {
                                @if other == page {
                                    span aria-current="page" { (say(lang, "page")) " " (other + 1) }
                                } @else {
                                    a href={ "/team/waves/" (wave) "/comments?page=" (other) } { (say(lang, "page")) " " (other + 1) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The disagreements of a wave, each with both codings and the form to settle it.
pub fn disagreements_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    wave: &str,
    frame_themes: &[Theme],
    (pairs, texts): (&[DoubleCoded], &[(String, String)]),
    agreement: &[vecu_analysis::Agreement],
) -> Markup {
    let kappa = |value: &vecu_analysis::Kappa| match (value.kappa, value.low, value.high) {
        (Some(k), Some(low), Some(high)) => format!("{k:.2} ({low:.2} – {high:.2})"),
        _ => say(lang, "undefined").to_owned(),
    };
    let about = |id: &str| {
        if id == "tone" {
            say(lang, "tone").to_owned()
        } else {
            frame_themes
                .iter()
                .find(|theme| theme.id == id)
                .map_or(id.to_owned(), |theme| theme.label_in(lang).to_owned())
        }
    };
    frame(
        lang,
        say(lang, "disagreements"),
        Some(who),
        csrf,
        html! {
            p { a href={ "/team/waves/" (wave) "/comments" } { (say(lang, "comments")) } }
            @if let Some(first) = agreement.first() {
                table {
                    caption { (say(lang, "agreement")) ", " (first.kappa.n) " " (say(lang, "pairs")) }
                    thead { tr { th scope="col" { (say(lang, "themes")) } th scope="col" { (say(lang, "kappa")) } } }
                    tbody {
                        @for row in agreement { tr { th scope="row" { (about(&row.about)) } td { (kappa(&row.kappa)) } } }
                    }
                }
            }
            @if pairs.is_empty() { p { (say(lang, "no_disagreements")) } }
            @for (n, pair) in pairs.iter().enumerate() {
                @let anchor = format!("disagreement-{}", n + 1);
                article id=(anchor) aria-labelledby={ (anchor) "-title" } {
                    h2 id={ (anchor) "-title" } { (say(lang, "comment")) " " (n + 1) }
                    @if let Some((_, text)) = texts.iter().find(|(id, _)| *id == pair.comment) {
                        blockquote { p { (text) } }
                    }
                    ul {
                        li { strong { (say(lang, "researcher")) " (" (pair.researcher.coder) "): " } (code_words(lang, &pair.researcher, frame_themes)) }
                        li { strong { (say(lang, "partner")) " (" (pair.partner.coder) "): " } (code_words(lang, &pair.partner, frame_themes)) }
                    }
                    form method="post" action={ "/team/comments/" (pair.comment) "/settlement" } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="back" value={ "/team/waves/" (wave) "/comments/disagreements" };
                        h3 { (say(lang, "settle")) }
                        (code_fields(lang, &anchor, frame_themes, Some(&pair.researcher)))
                        div class="field" {
                            label for={ (anchor) "-note" } { (say(lang, "note")) }
                            textarea id={ (anchor) "-note" } name="note" rows="2" required {}
                        }
                        button type="submit" { (say(lang, "send_settle")) }
                    }
                }
            }
        },
    )
}

/// A word of these pages, for the pages that link to them.
pub fn word(lang: &str, key: &str) -> &'static str {
    say(lang, key)
}

/// The link to a wave's comments, for the reports list.
pub fn comments_link(lang: &str, wave: &str, name: &str) -> Markup {
    html! { a href={ "/team/waves/" (wave) "/comments" } { (say(lang, "comments")) " — " (name) } }
}

/// The wave's quote bank: each quote with its approvals and, for the member's role when it has
/// not approved yet, the button to approve.
pub fn quotes_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    wave: &str,
    quotes: &[vecu_store::Quote],
) -> Markup {
    let mine_missing = |quote: &vecu_store::Quote| match who.1 {
        Role::PatientPartner => quote.partner.is_none(),
        role if role.is_researcher() => quote.researcher.is_none(),
        _ => false,
    };
    frame(
        lang,
        say(lang, "quote_bank"),
        Some(who),
        csrf,
        html! {
            p { a href={ "/team/waves/" (wave) "/comments" } { (say(lang, "comments")) } }
            @if quotes.is_empty() { p { (say(lang, "no_quotes")) } }
            @for (n, quote) in quotes.iter().enumerate() {
                article aria-labelledby={ "quote-" (n + 1) } {
                    blockquote id={ "quote-" (n + 1) } lang=(quote.lang) { p { "« " (quote.text) " »" } }
                    p class="hint" {
                        (say(lang, "site")) " " (quote.site) " · "
                        @if quote.approved() {
                            (say(lang, "approved_by")) " " (quote.researcher.as_deref().unwrap_or_default()) ", " (quote.partner.as_deref().unwrap_or_default())
                        } @else {
                            (say(lang, "waiting_approval"))
                        }
                    }
                    @if mine_missing(quote) {
                        form method="post" action={ "/team/quotes/" (quote.id) "/approve" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="back" value={ "/team/waves/" (wave) "/quotes" };
                            button type="submit" class="secondary" { (say(lang, "approve")) }
                        }
                    }
                }
            }
        },
    )
}

/// The wave's coding frame: its themes, the form to add, change or retire one, and the history.
pub fn frame_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    wave: &str,
    (themes, history): (&[Theme], &[vecu_store::ThemeVersion]),
) -> Markup {
    frame(
        lang,
        say(lang, "frame"),
        Some(who),
        csrf,
        html! {
            p { a href={ "/team/waves/" (wave) "/comments" } { (say(lang, "comments")) } }
            p { (say(lang, "frame_intro")) }
            ul {
                @for theme in themes {
                    li { strong { (theme.label_in(lang)) } " (" (theme.id) ")"
                        @if let Some(description) = theme.description.get(lang) { " — " (description) } }
                }
            }
            form method="post" action={ "/team/waves/" (wave) "/coding-frame" } {
                input type="hidden" name="csrf" value=(csrf);
                div class="field" {
                    label for="theme-id" { (say(lang, "theme_id")) }
                    input type="text" id="theme-id" name="id" required autocomplete="off";
                }
                @for code in vecu_survey::FRAME_LANGUAGES {
                    div class="field" {
                        label for={ "theme-label-" (code) } { (say(lang, "label_in")) " (" (code) ")" }
                        input type="text" id={ "theme-label-" (code) } name={ "label_" (code) } lang=(code) required;
                    }
                }
                div class="field" {
                    input type="checkbox" id="theme-retire" name="retire" value="yes";
                    label for="theme-retire" { (say(lang, "retire")) }
                }
                button type="submit" { (say(lang, "save_theme")) }
            }
            h2 { (say(lang, "history")) }
            ul {
                @for version in history {
                    li {
                        (&version.theme.label_in(lang)) " — " (say(lang, "version")) " " (version.version)
                        @if version.retired { " (" (say(lang, "retired")) ")" }
                        @if !version.changed_by.is_empty() { ", " (version.changed_by) }
                        ", " (version.at.get(..10).unwrap_or(&version.at))
                    }
                }
            }
        },
    )
}
