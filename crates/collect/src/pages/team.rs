//! Pages for the report's co-authors (researchers and patient partners): sign in with one's
//! key, read the findings, write and comment, mark priorities, approve. No JavaScript; every
//! action is a small form that comes back to the same place in the page.

use std::collections::{BTreeMap, BTreeSet};

use maud::{html, Markup, PreEscaped, DOCTYPE};
use vecu_report::{Document, Finding, TextBlock};
use vecu_store::Role;

use super::codesign;

/// What in a report is the signed-in member's own, by their key (not by their name, which
/// another key may share): the blocks they may edit and their marks by finding.
#[derive(Debug, Default)]
pub struct Mine {
    pub blocks: BTreeSet<String>,
    pub marks: BTreeMap<String, (bool, Option<i32>)>,
}

impl Mine {
    /// The member's own blocks and marks in a stored report.
    pub fn of(report: &vecu_store::Report, key: &str) -> Mine {
        Mine {
            blocks: report
                .blocks
                .iter()
                .filter(|block| block.author_key == key)
                .map(|block| block.id.clone())
                .collect(),
            marks: report
                .marks
                .iter()
                .filter(|mark| mark.author_key == key)
                .map(|mark| (mark.finding.clone(), (mark.important, mark.priority)))
                .collect(),
        }
    }
}

/// Words of the team pages in the report's language.
pub fn word(lang: &str, key: &str) -> &'static str {
    let [fr, de, it, en] = match key {
        "sign_in" => ["Se connecter", "Anmelden", "Accedi", "Sign in"],
        "key" => ["Votre clé d'accès", "Ihr Zugangsschlüssel", "La sua chiave di accesso", "Your access key"],
        "key_hint" => [
            "La clé commence par vecu_. Elle vous a été remise par l'équipe de recherche.",
            "Der Schlüssel beginnt mit vecu_. Sie haben ihn vom Forschungsteam erhalten.",
            "La chiave inizia con vecu_. Le è stata data dal gruppo di ricerca.",
            "The key starts with vecu_. The research team gave it to you.",
        ],
        "bad_key" => [
            "Cette clé n'est pas valable. Vérifiez-la et réessayez.",
            "Dieser Schlüssel ist nicht gültig. Prüfen Sie ihn und versuchen Sie es erneut.",
            "Questa chiave non è valida. La verifichi e riprovi.",
            "This key is not valid. Check it and try again.",
        ],
        "form_expired" => [
            "Ce formulaire de connexion a expiré ou n'a pas été ouvert dans ce navigateur. Saisissez à nouveau votre clé.",
            "Dieses Anmeldeformular ist abgelaufen oder wurde nicht in diesem Browser geöffnet. Geben Sie Ihren Schlüssel erneut ein.",
            "Questo modulo di accesso è scaduto o non è stato aperto in questo browser. Inserisca di nuovo la sua chiave.",
            "This sign-in form has expired or was not opened in this browser. Enter your key again.",
        ],
        "reports" => ["Rapports", "Berichte", "Rapporti", "Reports"],
        "no_reports" => ["Aucun rapport pour l'instant.", "Noch keine Berichte.", "Ancora nessun rapporto.", "No reports yet."],
        "site_results" => [
            "Résultats par établissement",
            "Ergebnisse je Spital",
            "Risultati per ospedale",
            "Results by site",
        ],
        "no_site_results" => [
            "Aucun résultat d'établissement n'a encore été publié.",
            "Noch keine Spitalergebnisse veröffentlicht.",
            "Nessun risultato per ospedale ancora pubblicato.",
            "No site's results have been released yet.",
        ],
        "signed_in_as" => ["Connecté·e :", "Angemeldet:", "Connesso/a:", "Signed in:"],
        "sign_out" => ["Se déconnecter", "Abmelden", "Esci", "Sign out"],
        "state" => ["État du rapport :", "Stand des Berichts:", "Stato del rapporto:", "Report state:"],
        "add_text" => ["Ajouter un texte", "Text hinzufügen", "Aggiungi un testo", "Add a text"],
        "kind" => ["Type de texte", "Art des Textes", "Tipo di testo", "Kind of text"],
        "text" => ["Texte", "Text", "Testo", "Text"],
        "save" => ["Enregistrer", "Speichern", "Salva", "Save"],
        "report_languages" => [
            "Langue du rapport de chaque établissement",
            "Sprache des Berichts jedes Spitals",
            "Lingua del rapporto di ogni ospedale",
            "Language of each site's report",
        ],
        "report_languages_hint" => [
            "La langue dans laquelle l'établissement lit son rapport, quand il n'en demande pas d'autre.",
            "Die Sprache, in der das Spital seinen Bericht liest, wenn es keine andere wählt.",
            "La lingua in cui l'ospedale legge il suo rapporto, se non ne chiede un'altra.",
            "The language a site reads its report in when it asks for no other.",
        ],
        "first_language" => [
            "1re langue de l'enquête",
            "1. Sprache der Befragung",
            "1a lingua dell'indagine",
            "Survey's first language",
        ],
        "comment" => ["Commenter ce texte", "Diesen Text kommentieren", "Commenta questo testo", "Comment on this text"],
        "send_comment" => ["Envoyer le commentaire", "Kommentar senden", "Invia il commento", "Send comment"],
        "important" => [
            "Important pour les patients",
            "Wichtig für Patientinnen und Patienten",
            "Importante per i pazienti",
            "Important to patients",
        ],
        "priority" => ["Rang de priorité (1 = le plus important)", "Priorität (1 = am wichtigsten)", "Priorità (1 = la più importante)", "Priority rank (1 = most important)"],
        "save_mark" => ["Enregistrer mon choix", "Meine Wahl speichern", "Salva la mia scelta", "Save my choice"],
        "review" => ["Envoyer en relecture", "Zur Durchsicht senden", "Invia in revisione", "Send for review"],
        "approve" => ["J'approuve ce rapport tel qu'il est", "Ich gebe diesen Bericht so frei", "Approvo questo rapporto così com'è", "I approve this report as it is"],
        "publish" => ["Publier", "Veröffentlichen", "Pubblica", "Publish"],
        "decisions" => ["Relecture et publication", "Durchsicht und Veröffentlichung", "Revisione e pubblicazione", "Review and publication"],
        "rule" => [
            "Publier demande l'accord d'au moins un chercheur et d'un patient partenaire. Toute modification après accord renvoie le rapport en relecture.",
            "Die Veröffentlichung braucht die Freigabe mindestens einer Forscherin oder eines Forschers und eines Patientenpartners. Jede Änderung nach der Freigabe schickt den Bericht zurück in die Durchsicht.",
            "La pubblicazione richiede l'approvazione di almeno un ricercatore e di un paziente partner. Ogni modifica dopo l'approvazione rimanda il rapporto in revisione.",
            "Publishing needs the approval of at least one researcher and one patient partner. Any change after approval sends the report back to review.",
        ],
        "download" => ["Télécharger le rapport (HTML)", "Bericht herunterladen (HTML)", "Scarica il rapporto (HTML)", "Download the report (HTML)"],
        "problem" => ["Cela n'a pas pu être fait", "Das ging nicht", "Non è stato possibile", "That could not be done"],
        "back" => ["Retour au rapport", "Zurück zum Bericht", "Torna al rapporto", "Back to the report"],
        "interpretation" => ["Interprétation", "Interpretation", "Interpretazione", "Interpretation"],
        "for_patients" => ["Ce que cela signifie pour les patients", "Was das für Patientinnen und Patienten bedeutet", "Cosa significa per i pazienti", "What this means for patients"],
        "action" => ["Action recommandée", "Empfohlene Massnahme", "Azione raccomandata", "Recommended action"],
        "summary" => ["Résumé en langage simple", "Zusammenfassung in einfacher Sprache", "Sintesi in linguaggio semplice", "Plain-language summary"],
        "by" => ["par", "von", "di", "by"],
        "edit" => ["Modifier mon texte", "Meinen Text ändern", "Modifica il mio testo", "Edit my text"],
        "codesign" => [
            "Co-conception du questionnaire",
            "Gemeinsame Gestaltung des Fragebogens",
            "Co-progettazione del questionario",
            "Questionnaire co-design",
        ],
        "codesign_intro" => [
            "Commentez les questions avant l'enquête : la formulation, les réponses proposées, ce qui manque. L'équipe de recherche répond à chaque commentaire.",
            "Kommentieren Sie die Fragen vor der Befragung: Formulierung, Antwortmöglichkeiten, was fehlt. Das Forschungsteam beantwortet jeden Kommentar.",
            "Commenti le domande prima dell'indagine: la formulazione, le risposte proposte, ciò che manca. Il gruppo di ricerca risponde a ogni commento.",
            "Comment on the questions before the survey: wording, answer options, what is missing. The research team answers every comment.",
        ],
        "preview" => [
            "Voir le questionnaire comme un patient (aperçu, rien n'est enregistré)",
            "Den Fragebogen wie eine Patientin oder ein Patient sehen (Vorschau, nichts wird gespeichert)",
            "Vedere il questionario come un paziente (anteprima, nulla viene salvato)",
            "See the questionnaire as a patient does (preview, nothing is saved)",
        ],
        "domain" => ["Domaine :", "Bereich:", "Dominio:", "Domain:"],
        "comment_item" => ["Commenter cette question", "Diese Frage kommentieren", "Commenta questa domanda", "Comment on this question"],
        "answer" => ["Réponse de l'équipe", "Antwort des Teams", "Risposta del gruppo", "The team's answer"],
        "resolve" => ["Clore ce commentaire", "Diesen Kommentar abschliessen", "Chiudi questo commento", "Close this comment"],
        "send_answer" => ["Envoyer la réponse", "Antwort senden", "Invia la risposta", "Send the answer"],
        "resolved" => ["clos", "abgeschlossen", "chiuso", "closed"],
        "open" => ["ouvert", "offen", "aperto", "open"],
        "language" => ["Langue", "Sprache", "Lingua", "Language"],
        "workspace" => ["Espace de travail", "Arbeitsbereich", "Area di lavoro", "Workspace"],
        "new_report" => ["Nouveau rapport", "Neuer Bericht", "Nuovo rapporto", "New report"],
        "new_report_hint" => [
            "vecu analyse la vague et fige ses résultats ; chacun peut ensuite écrire, commenter et approuver.",
            "vecu wertet die Welle aus und hält die Ergebnisse fest; danach können alle schreiben, kommentieren und freigeben.",
            "vecu analizza l'ondata e ne fissa i risultati; poi tutti possono scrivere, commentare e approvare.",
            "vecu analyses the wave and freezes its findings; then everyone can write, comment and approve.",
        ],
        "wave" => ["Vague d'enquête", "Befragungswelle", "Ondata dell'indagine", "Survey wave"],
        "title" => ["Titre", "Titel", "Titolo", "Title"],
        "threshold" => [
            "Répondants minimum par chiffre",
            "Mindestzahl Antwortender pro Kennzahl",
            "Rispondenti minimi per dato",
            "Minimum respondents per figure",
        ],
        "threshold_hint" => [
            "Au moins 10 : un chiffre tiré de moins de répondants peut désigner un patient.",
            "Mindestens 10: Eine Kennzahl aus weniger Antworten kann eine Patientin oder einen Patienten erkennbar machen.",
            "Almeno 10: un dato tratto da meno rispondenti può rendere riconoscibile un paziente.",
            "At least 10: a figure from fewer respondents can point to a patient.",
        ],
        "required_researchers" => [
            "Approbations de chercheurs nécessaires",
            "Nötige Freigaben von Forschenden",
            "Approvazioni di ricercatori necessarie",
            "Researchers' approvals needed",
        ],
        "required_partners" => [
            "Approbations de patients partenaires nécessaires",
            "Nötige Freigaben von Patientenpartnern",
            "Approvazioni di pazienti partner necessarie",
            "Patient partners' approvals needed",
        ],
        "start_report" => ["Commencer le rapport", "Bericht beginnen", "Inizia il rapporto", "Start the report"],
        _ => ["", "", "", ""],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

pub(crate) fn frame(
    lang: &str,
    title: &str,
    who: Option<(&str, Role)>,
    csrf: &str,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            (super::layout::head(title))
            body {
                a class="skip" href="#main" { "↓ " (title) }
                @if let Some((name, role)) = who {
                    header {
                        nav aria-label=(word(lang, "workspace")) {
                            ul class="languages" {
                                @if role == Role::Hospital {
                                    li { a href="/team/sites" { (word(lang, "site_results")) } }
                                } @else {
                                    li { a href="/team/reports" { (word(lang, "reports")) } }
                                    li { a href="/team/surveys" { (word(lang, "codesign")) } }
                                }
                            }
                        }
                        p {
                            (word(lang, "signed_in_as")) " " strong { (name) } " (" (role.as_str().replace('_', " ")) ")"
                        }
                        form method="post" action="/team/logout" {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" class="secondary" { (word(lang, "sign_out")) }
                        }
                    }
                }
                main id="main" tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    }
}

/// The sign-in page; `problem`: the word id of what went wrong with the last attempt.
pub fn sign_in(lang: &str, csrf: &str, problem: Option<&str>) -> Markup {
    frame(
        lang,
        word(lang, "sign_in"),
        None,
        csrf,
        html! {
            @if let Some(texts) = crate::i18n::Texts::interface(lang) {
                (super::layout::language_switch(&texts, &crate::i18n::INTERFACE_LANGUAGES, "/team"))
            }
            @if let Some(problem) = problem {
                div class="error-summary" role="alert" tabindex="-1" {
                    p { (word(lang, problem)) }
                }
            }
            form method="post" action="/team/login" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="lang" value=(lang);
                div class="field" {
                    label for="key" { (word(lang, "key")) }
                    p class="hint" id="key-hint" { (word(lang, "key_hint")) }
                    input type="password" id="key" name="key" autocomplete="off" spellcheck="false"
                        aria-describedby="key-hint" required;
                }
                button type="submit" { (word(lang, "sign_in")) }
            }
        },
    )
}

/// The list of reports, by wave.
pub fn report_list(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    reports: &[(String, String, String)],
    waves: &[(String, String)],
) -> Markup {
    let researcher = who.1.is_researcher();
    frame(
        lang,
        word(lang, "reports"),
        Some(who),
        csrf,
        html! {
            @if reports.is_empty() { p { (word(lang, "no_reports")) } }
            ul {
                @for (id, title, state) in reports {
                    li { a href={ "/team/reports/" (id) } { (title) } " — " (state) }
                }
            }
            @if !waves.is_empty() {
                h2 { (super::coding::word(lang, "comments")) }
                ul {
                    @for (id, name) in waves { li { (super::coding::comments_link(lang, id, name)) } }
                }
            }
            @if researcher && !waves.is_empty() {
                section aria-labelledby="new-report" {
                    h2 id="new-report" { (word(lang, "new_report")) }
                    p { (word(lang, "new_report_hint")) }
                    form method="post" action="/team/reports" {
                        input type="hidden" name="csrf" value=(csrf);
                        div class="field" {
                            label for="wave" { (word(lang, "wave")) }
                            select id="wave" name="wave" {
                                @for (id, name) in waves { option value=(id) { (name) } }
                            }
                        }
                        div class="field" {
                            label for="title" { (word(lang, "title")) }
                            input type="text" id="title" name="title" required;
                        }
                        div class="field" {
                            label for="report-lang" { (word(lang, "language")) }
                            select id="report-lang" name="lang" {
                                @for (code, name) in [("fr", "Français"), ("de", "Deutsch"), ("it", "Italiano"), ("en", "English")] {
                                    option value=(code) selected[code == lang] { (name) }
                                }
                            }
                        }
                        div class="field" {
                            label for="threshold" { (word(lang, "threshold")) }
                            p class="hint" id="threshold-hint" { (word(lang, "threshold_hint")) }
                            input type="number" id="threshold" name="threshold" min=(vecu_report::THRESHOLD_FLOOR) value=(vecu_report::THRESHOLD_FLOOR) inputmode="numeric" aria-describedby="threshold-hint" required;
                        }
                        div class="field" {
                            label for="required-researchers" { (word(lang, "required_researchers")) }
                            input type="number" id="required-researchers" name="required_researchers" min="1" value="1" inputmode="numeric" required;
                        }
                        div class="field" {
                            label for="required-partners" { (word(lang, "required_partners")) }
                            input type="number" id="required-partners" name="required_partners" min="1" value="1" inputmode="numeric" required;
                        }
                        button type="submit" { (word(lang, "start_report")) }
                    }
                }
            }
        },
    )
}

/// A wave's released sites that a key may read.
pub struct WaveSites {
    /// The wave's id.
    pub wave: String,
    /// Its name.
    pub name: String,
    /// Its sites: code and name.
    pub sites: Vec<(String, String)>,
}

/// A site's report language, as a researcher sets it.
pub struct SiteLanguage {
    /// The site's code.
    pub site: String,
    /// Its name.
    pub name: String,
    /// The language set, if any.
    pub lang: Option<String>,
}

/// The forms that set each site's report language (researchers), offering `languages`.
pub struct SiteLanguages {
    pub sites: Vec<SiteLanguage>,
    pub languages: Vec<String>,
}

/// The sites' results a key may read, by wave, each site a link to its hospital report.
pub fn site_list(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    waves: &[WaveSites],
    languages: Option<&SiteLanguages>,
) -> Markup {
    frame(
        lang,
        word(lang, "site_results"),
        Some(who),
        csrf,
        html! {
            @if waves.is_empty() { p { (word(lang, "no_site_results")) } }
            @for WaveSites { wave, name, sites } in waves {
                section aria-label=(name) {
                    h2 { (name) }
                    ul {
                        @for (site, site_name) in sites {
                            li { a href={ "/team/sites/" (wave) "/" (site) } { (site_name) } }
                        }
                    }
                }
            }
            @if let Some(languages) = languages.filter(|languages| !languages.sites.is_empty()) {
                section aria-labelledby="report-languages" {
                    h2 id="report-languages" { (word(lang, "report_languages")) }
                    p class="hint" { (word(lang, "report_languages_hint")) }
                    @for SiteLanguage { site, name, lang: chosen } in &languages.sites {
                        form id={ "site-" (anchor(site)) } method="post"
                            action={ "/team/sites/" (site) "/language" } {
                            input type="hidden" name="csrf" value=(csrf);
                            div class="field" {
                                label for={ "lang-" (anchor(site)) } { (name) }
                                select id={ "lang-" (anchor(site)) } name="lang" {
                                    option value="" selected[chosen.is_none()] {
                                        (word(lang, "first_language"))
                                    }
                                    @for code in &languages.languages {
                                        option value=(code)
                                            selected[chosen.as_deref() == Some(code.as_str())] {
                                            (crate::i18n::language_name(code))
                                        }
                                    }
                                }
                            }
                            button type="submit" { (word(lang, "save")) }
                        }
                    }
                }
            }
        },
    )
}

fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn block_view(
    lang: &str,
    id_base: &str,
    report: &str,
    csrf: &str,
    own: &Mine,
    block: &TextBlock,
) -> Markup {
    let comment_id = format!("comment-{}", block.id);
    let edit_id = format!("edit-{}", block.id);
    let mine = own.blocks.contains(&block.id);
    html! {
        div class={ "block " (block.role) } {
            h3 { (word(lang, block.kind.as_str())) }
            @for paragraph in block.text.split("\n\n") { p { (paragraph) } }
            p class="hint" {
                (word(lang, "by")) " " (block.author) " (" (block.role.replace('_', " ")) "), " (block.date)
                @if block.version > 1 { " · v" (block.version) }
            }
            @if !block.comments.is_empty() {
                ul class="comments" {
                    @for (author, role, date, text) in &block.comments {
                        li { (text) " — " (author) " (" (role.replace('_', " ")) "), " (date) }
                    }
                }
            }
            @if mine {
                details {
                    summary { (word(lang, "edit")) }
                    form method="post" action={ "/team/reports/" (report) "/blocks/" (block.id) } {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="back" value=(id_base);
                        div class="field" {
                            label for=(edit_id) { (word(lang, "text")) }
                            textarea id=(edit_id) name="text" rows="4" required { (block.text) }
                        }
                        button type="submit" { (word(lang, "save")) }
                    }
                }
            }
            form method="post" action={ "/team/reports/" (report) "/blocks/" (block.id) "/comments" } {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="back" value=(id_base);
                div class="field" {
                    label for=(comment_id) { (word(lang, "comment")) }
                    textarea id=(comment_id) name="text" rows="2" required {}
                }
                button type="submit" class="secondary" { (word(lang, "send_comment")) }
            }
        }
    }
}

fn finding_view(
    lang: &str,
    document: &Document,
    report: &str,
    csrf: &str,
    role: Role,
    own: &Mine,
    finding: &Finding,
) -> Markup {
    let id = anchor(&finding.id);
    let blocks: Vec<&TextBlock> = document
        .blocks
        .iter()
        .filter(|b| b.finding == finding.id)
        .collect();
    let mine = own.marks.get(&finding.id);
    let kinds: &[&str] = if finding.id == "summary" {
        &["summary"]
    } else {
        &["interpretation", "for_patients", "action"]
    };
    html! {
        section id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (finding.title) }
            @if !finding.description.is_empty() { p { (finding.description) } }
            @if let Some(svg) = &finding.chart_svg {
                figure {
                    (PreEscaped(vecu_report::accessible_svg(svg, &finding.title)))
                }
            }
            @if !finding.figures.is_empty() {
                table {
                    tbody {
                        @for figure in &finding.figures {
                            tr {
                                th scope="row" { (figure.label) }
                                td { @if figure.suppressed.is_empty() { (figure.value) } @else { (figure.suppressed) } }
                            }
                        }
                    }
                }
            }
            @for block in blocks { (block_view(lang, &id, report, csrf, own, block)) }
            details {
                summary { (word(lang, "add_text")) }
                form method="post" action={ "/team/reports/" (report) "/blocks" } {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="finding" value=(finding.id);
                    input type="hidden" name="back" value=(id);
                    div class="field" {
                        label for={ (id) "-kind" } { (word(lang, "kind")) }
                        select id={ (id) "-kind" } name="kind" {
                            @for kind in kinds { option value=(kind) { (word(lang, kind)) } }
                        }
                    }
                    div class="field" {
                        label for={ (id) "-text" } { (word(lang, "text")) }
                        textarea id={ (id) "-text" } name="text" rows="4" required {}
                    }
                    button type="submit" { (word(lang, "save")) }
                }
            }
            @if role == Role::PatientPartner && finding.id != "summary" {
                form method="post" action={ "/team/reports/" (report) "/marks" } class="mark" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="finding" value=(finding.id);
                    input type="hidden" name="back" value=(id);
                    div class="field" {
                        input type="checkbox" id={ (id) "-important" } name="important" value="yes" checked[mine.is_some_and(|m| m.0)];
                        label for={ (id) "-important" } { (word(lang, "important")) }
                    }
                    div class="field" {
                        label for={ (id) "-priority" } { (word(lang, "priority")) }
                        input type="number" id={ (id) "-priority" } name="priority" min="1" max="99" inputmode="numeric"
                            value=[mine.and_then(|m| m.1)];
                    }
                    button type="submit" class="secondary" { (word(lang, "save_mark")) }
                }
            }
        }
    }
}

/// A report with forms to write, comment, mark and decide; `own` says which blocks and marks
/// are the member's.
pub fn report_page(
    document: &Document,
    report: &str,
    who: (&str, Role),
    csrf: &str,
    own: &Mine,
) -> Markup {
    let lang = document.lang.as_str();
    let summary = Finding {
        id: "summary".to_owned(),
        kind: vecu_report::FindingKind::Domain,
        title: word(lang, "summary").to_owned(),
        description: String::new(),
        figures: Vec::new(),
        chart_svg: None,
        charts_in: BTreeMap::new(),
        score: None,
        draft: String::new(),
    };
    frame(
        lang,
        &document.title,
        Some(who),
        csrf,
        html! {
            p { (word(lang, "state")) " " strong { (document.state) } }
            p { a href={ "/team/reports/" (report) "/report.html" } { (word(lang, "download")) } }
            (finding_view(lang, document, report, csrf, who.1, own, &summary))
            @for finding in &document.findings {
                (finding_view(lang, document, report, csrf, who.1, own, finding))
            }
            section id="decisions" aria-labelledby="decisions-title" {
                h2 id="decisions-title" { (word(lang, "decisions")) }
                p { (word(lang, "rule")) }
                ul {
                    @for (name, role, date) in &document.approvals { li { (name) " (" (role.replace('_', " ")) "), " (date) } }
                }
                @for action in ["review", "approve", "publish"] {
                    form method="post" action={ "/team/reports/" (report) "/" (action) } {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { (word(lang, action)) }
                    }
                }
            }
        },
    )
}

/// The survey versions partners can comment on.
pub fn survey_list(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    surveys: &[(String, String, String)],
) -> Markup {
    frame(
        lang,
        word(lang, "codesign"),
        Some(who),
        csrf,
        html! {
            p { (word(lang, "codesign_intro")) }
            ul {
                @for (at, (hash, id, version)) in surveys.iter().enumerate() {
                    li {
                        a href={ "/team/surveys/" (hash) } { (id) " " (version) }
                        // Versions come by id and version: the one before is the previous.
                        @if let Some((old, _, old_version)) = at.checked_sub(1).and_then(|before| surveys.get(before)).filter(|before| &before.1 == id) {
                            " · "
                            a href={ "/team/surveys/" (old) "/diff/" (hash) } {
                                (codesign::word(lang, "compare_with")) " " (old_version)
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Every question of a survey version with its co-design comments and the forms to add one or,
/// for researchers, to answer and close one.
pub fn codesign_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    (survey, hash): (&vecu_survey::Survey, &str),
    comments: &[vecu_store::ItemComment],
    proposals: &[vecu_store::Proposal],
) -> Markup {
    let text_lang = survey.text_language(lang);
    let researcher = who.1.is_researcher();
    let title = format!(
        "{} — {}",
        word(lang, "codesign"),
        survey.title.get(&text_lang)
    );
    frame(
        lang,
        &title,
        Some(who),
        csrf,
        html! {
            p { (word(lang, "codesign_intro")) }
            p { a href={ "/team/surveys/" (hash) "/preview?lang=" (text_lang.as_str()) } { (word(lang, "preview")) } }
            h2 { (codesign::word(lang, "proposals")) }
            (codesign::proposals_list(lang, &proposals.iter().collect::<Vec<_>>()))
            @for section in &survey.sections {
                h2 { (section.title.get(&text_lang)) }
                @for item in section.items.iter().filter(|item| item.kind != vecu_survey::ItemKind::Display) {
                    @let anchor = format!("item-{}", item.id);
                    section id=(anchor) aria-labelledby={ (anchor) "-title" } {
                        h3 id={ (anchor) "-title" } {
                            @if let Some(number) = survey.question_number(&item.id) { (number) ". " }
                            (item.text.get(&text_lang))
                        }
                        @if let Some(domain) = &item.domain {
                            p class="hint" { (word(lang, "domain")) " " (survey.domain_label(domain.as_str(), &text_lang)) }
                        }
                        ul class="comments" {
                            @for comment in comments.iter().filter(|c| c.item == item.id.as_str()) {
                                li {
                                    (comment.text) " — " (comment.author) " (" (comment.role.replace('_', " ")) "), "
                                    (comment.at.get(..10).unwrap_or(&comment.at))
                                    " · " (if comment.resolved { word(lang, "resolved") } else { word(lang, "open") })
                                    @if let Some(answer) = &comment.answer {
                                        p { strong { (word(lang, "answer")) ": " } (answer)
                                            @if let Some(by) = &comment.answered_by { " — " (by) } }
                                    }
                                    @if researcher && !comment.resolved {
                                        @let field = format!("answer-{}", comment.id);
                                        form method="post" action={ "/team/item-comments/" (comment.id) "/answer" } {
                                            input type="hidden" name="csrf" value=(csrf);
                                            input type="hidden" name="back" value={ (hash) "#" (anchor) };
                                            div class="field" {
                                                label for=(field) { (word(lang, "answer")) }
                                                textarea id=(field) name="answer" rows="2" required {}
                                            }
                                            div class="field" {
                                                input type="checkbox" id={ (field) "-resolve" } name="resolve" value="yes";
                                                label for={ (field) "-resolve" } { (word(lang, "resolve")) }
                                            }
                                            button type="submit" class="secondary" { (word(lang, "send_answer")) }
                                        }
                                    }
                                }
                            }
                        }
                        p {
                            a href={ "/team/surveys/" (hash) "/items/" (item.id) "/propose" } {
                                (codesign::word(lang, "propose"))
                                span class="visually-hidden" { " — " @if let Some(number) = survey.question_number(&item.id) { (number) } @else { (item.id) } }
                            }
                        }
                        @let here: Vec<&vecu_store::Proposal> = proposals.iter().filter(|p| p.item == item.id.as_str() && p.survey == hash).collect();
                        @if !here.is_empty() { (codesign::proposals_list(lang, &here)) }
                        @let field = format!("{anchor}-comment");
                        form method="post" action={ "/team/surveys/" (hash) "/items/" (item.id) "/comments" } {
                            input type="hidden" name="csrf" value=(csrf);
                            div class="field" {
                                label for=(field) { (word(lang, "comment_item")) }
                                textarea id=(field) name="text" rows="2" required {}
                            }
                            button type="submit" class="secondary" { (word(lang, "send_comment")) }
                        }
                    }
                }
            }
        },
    )
}

/// A refused action, said plainly, with the way back.
pub fn problem(lang: &str, who: (&str, Role), csrf: &str, message: &str, back: &str) -> Markup {
    frame(
        lang,
        word(lang, "problem"),
        Some(who),
        csrf,
        html! {
            div class="error-summary" role="alert" { p { (message) } }
            p { a href=(back) { (word(lang, "back")) } }
        },
    )
}
