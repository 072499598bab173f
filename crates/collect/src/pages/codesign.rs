//! The co-design pages beyond comments: proposing a change to a question, a proposal with its
//! discussion and decision, and the differences between two versions of a questionnaire.
//! Every form works without JavaScript; every field has its label.

use maud::{html, Markup};
use vecu_store::{Proposal, ProposalState, Role};
use vecu_survey::{Change, Item, ItemChange, Lang, Subject, Survey, SurveyDiff, What};

use super::team::frame;

/// This page's words, in the team pages' four languages.
fn say(lang: &str, key: &str) -> &'static str {
    let [fr, de, it, en] = match key {
        "propose" => ["Proposer un changement", "Eine Änderung vorschlagen", "Proporre una modifica", "Propose a change"],
        "propose_intro" => [
            "Choisissez ce que vous proposez de changer et dites pourquoi. L'équipe de recherche décide, en donnant ses raisons ; tout est gardé dans l'historique de co-construction.",
            "Wählen Sie, was Sie ändern möchten, und sagen Sie warum. Das Forschungsteam entscheidet und begründet; alles bleibt in der Geschichte der gemeinsamen Entwicklung.",
            "Scelga che cosa propone di cambiare e dica perché. Il gruppo di ricerca decide motivando; tutto resta nella storia della co-progettazione.",
            "Choose what you propose to change and say why. The research team decides and gives its reasons; everything is kept in the co-design history.",
        ],
        "current" => ["Texte actuel", "Aktueller Text", "Testo attuale", "Current text"],
        "reword" => ["Reformuler la question", "Die Frage umformulieren", "Riformulare la domanda", "Reword the question"],
        "reword_hint" => [
            "Changez le texte dans une ou plusieurs langues ; les langues laissées telles quelles ne changent pas.",
            "Ändern Sie den Text in einer oder mehreren Sprachen; unveränderte Sprachen bleiben, wie sie sind.",
            "Cambi il testo in una o più lingue; le lingue lasciate invariate non cambiano.",
            "Change the text in one or more languages; languages left as they are do not change.",
        ],
        "help" => ["Changer le texte d'aide", "Den Hilfetext ändern", "Cambiare il testo di aiuto", "Change the help text"],
        "add_option" => ["Ajouter une réponse possible", "Eine Antwortmöglichkeit hinzufügen", "Aggiungere una risposta possibile", "Add an answer option"],
        "code" => ["Code de la réponse (dans les données)", "Code der Antwort (in den Daten)", "Codice della risposta (nei dati)", "Code of the answer (in the data)"],
        "role" => ["Comment elle compte dans les scores", "Wie sie in den Werten zählt", "Come conta nei punteggi", "How it counts in scores"],
        "role_positive" => ["positive", "positiv", "positiva", "positive"],
        "role_negative" => ["négative", "negativ", "negativa", "negative"],
        "role_neutral" => ["neutre", "neutral", "neutra", "neutral"],
        "role_not_applicable" => ["ne s'applique pas", "trifft nicht zu", "non pertinente", "not applicable"],
        "move" => ["Déplacer la question", "Die Frage verschieben", "Spostare la domanda", "Move the question"],
        "section" => ["Partie", "Teil", "Parte", "Section"],
        "position" => ["Position dans la partie (1 = en premier)", "Position im Teil (1 = zuerst)", "Posizione nella parte (1 = prima)", "Position in the section (1 = first)"],
        "remove" => ["Retirer la question", "Die Frage entfernen", "Togliere la domanda", "Remove the question"],
        "reason" => ["Pourquoi ? (obligatoire)", "Warum? (Pflichtfeld)", "Perché? (obbligatorio)", "Why? (required)"],
        "send_proposal" => ["Envoyer la proposition", "Vorschlag senden", "Inviare la proposta", "Send the proposal"],
        "proposal" => ["Proposition", "Vorschlag", "Proposta", "Proposal"],
        "proposals" => ["Propositions et historique", "Vorschläge und Geschichte", "Proposte e storia", "Proposals and history"],
        "no_proposals" => ["Aucune proposition pour l'instant.", "Noch keine Vorschläge.", "Ancora nessuna proposta.", "No proposals yet."],
        "proposed_by" => ["Proposée par", "Vorgeschlagen von", "Proposta da", "Proposed by"],
        "why" => ["Pourquoi", "Warum", "Perché", "Why"],
        "what_changes" => ["Ce qui change", "Was sich ändert", "Che cosa cambia", "What changes"],
        "state_open" => ["ouverte", "offen", "aperta", "open"],
        "state_accepted" => ["acceptée", "angenommen", "accettata", "accepted"],
        "state_declined" => ["refusée", "abgelehnt", "rifiutata", "declined"],
        "state" => ["État", "Stand", "Stato", "Status"],
        "decided_by" => ["Décision de", "Entscheid von", "Decisione di", "Decided by"],
        "new_version" => ["Nouvelle version", "Neue Version", "Nuova versione", "New version"],
        "comments" => ["Discussion", "Diskussion", "Discussione", "Discussion"],
        "your_comment" => ["Votre commentaire", "Ihr Kommentar", "Il suo commento", "Your comment"],
        "send_comment" => ["Envoyer le commentaire", "Kommentar senden", "Inviare il commento", "Send the comment"],
        "decide" => ["Décider", "Entscheiden", "Decidere", "Decide"],
        "accept" => ["Accepter : créer une nouvelle version", "Annehmen: eine neue Version erstellen", "Accettare: creare una nuova versione", "Accept: make a new version"],
        "decline" => ["Refuser", "Ablehnen", "Rifiutare", "Decline"],
        "decision_reason" => ["Raison de la décision (obligatoire)", "Begründung des Entscheids (Pflichtfeld)", "Motivo della decisione (obbligatorio)", "Reason for the decision (required)"],
        "send_decision" => ["Enregistrer la décision", "Entscheid speichern", "Registrare la decisione", "Record the decision"],
        "no_longer_applies" => [
            "Cette proposition ne s'applique plus telle quelle : ",
            "Dieser Vorschlag lässt sich so nicht mehr anwenden: ",
            "Questa proposta non si applica più così com'è: ",
            "This proposal no longer applies as it is: ",
        ],
        "differences" => ["Différences entre deux versions", "Unterschiede zwischen zwei Versionen", "Differenze tra due versioni", "Differences between two versions"],
        "compare_with" => ["différences avec la version", "Unterschiede zur Version", "differenze con la versione", "differences from version"],
        "no_differences" => ["Les deux versions sont identiques.", "Die beiden Versionen sind gleich.", "Le due versioni sono uguali.", "The two versions are the same."],
        "pools" => ["les réponses restent comparables", "die Antworten bleiben vergleichbar", "le risposte restano confrontabili", "answers still compare"],
        "breaks" => ["les réponses ne sont plus comparables", "die Antworten sind nicht mehr vergleichbar", "le risposte non sono più confrontabili", "answers no longer compare"],
        "before" => ["Avant", "Vorher", "Prima", "Before"],
        "after" => ["Après", "Nachher", "Dopo", "After"],
        "whole_survey" => ["Le questionnaire", "Der Fragebogen", "Il questionario", "The questionnaire"],
        "question" => ["Question", "Frage", "Domanda", "Question"],
        "back_to_survey" => ["Retour aux questions", "Zurück zu den Fragen", "Torna alle domande", "Back to the questions"],
        "none" => ["(aucun)", "(keiner)", "(nessuno)", "(none)"],
        _ => ["", "", "", ""],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

/// The state of a proposal, in words.
pub fn state_word(lang: &str, state: ProposalState) -> &'static str {
    match state {
        ProposalState::Open => say(lang, "state_open"),
        ProposalState::Accepted => say(lang, "state_accepted"),
        ProposalState::Declined => say(lang, "state_declined"),
    }
}

/// "Question 12: How ..." for an item, or its id when it is gone.
fn item_title(survey: &Survey, id: &str, text_lang: &Lang) -> String {
    match survey.item(id) {
        Some(item) => match survey.question_number(&item.id) {
            Some(number) => format!("{number}. {}", item.text.get(text_lang)),
            None => item.text.get(text_lang).to_owned(),
        },
        None => id.to_owned(),
    }
}

fn hidden(csrf: &str, kind: &str) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(csrf);
        input type="hidden" name="kind" value=(kind);
    }
}

fn reason_field(lang: &str, kind: &str) -> Markup {
    let id = format!("{kind}-reason");
    html! {
        div class="field" {
            label for=(id) { (say(lang, "reason")) }
            textarea id=(id) name="reason" rows="3" required {}
        }
    }
}

/// One textarea per language of the survey, filled with the current texts.
fn texts_fields(prefix: &str, survey: &Survey, current: impl Fn(&Lang) -> String) -> Markup {
    html! {
        @for lang in &survey.languages {
            @let id = format!("{prefix}_{}", lang.as_str());
            div class="field" {
                label for=(id) lang=(lang.base()) { (lang.as_str()) }
                textarea id=(id) name=(id) rows="3" lang=(lang.base()) { (current(lang)) }
            }
        }
    }
}

/// The page to propose a change to one question: one form per kind of change.
pub fn propose_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    (survey, hash): (&Survey, &str),
    item: &Item,
) -> Markup {
    let text_lang = survey.text_language(lang);
    let action = format!("/team/surveys/{hash}/items/{}/proposals", item.id);
    let own_options = item
        .kind
        .options()
        .filter(|options| options.scale.is_none())
        .is_some();
    let section_of = survey
        .sections
        .iter()
        .find(|section| section.items.iter().any(|i| i.id == item.id))
        .map(|section| section.id.to_string());
    frame(
        lang,
        &format!(
            "{} — {}",
            say(lang, "propose"),
            item_title(survey, item.id.as_str(), &text_lang)
        ),
        Some(who),
        csrf,
        html! {
            p { (say(lang, "propose_intro")) }
            p { a href={ "/team/surveys/" (hash) "#item-" (item.id) } { (say(lang, "back_to_survey")) } }
            section aria-labelledby="reword-title" {
                h2 id="reword-title" { (say(lang, "reword")) }
                p class="hint" { (say(lang, "reword_hint")) }
                form method="post" action=(action) {
                    (hidden(csrf, "reword"))
                    (texts_fields("text", survey, |l| item.text.get(l).to_owned()))
                    (reason_field(lang, "reword"))
                    button type="submit" { (say(lang, "send_proposal")) }
                }
            }
            section aria-labelledby="help-title" {
                h2 id="help-title" { (say(lang, "help")) }
                form method="post" action=(action) {
                    (hidden(csrf, "help"))
                    (texts_fields("help", survey, |l| item.help.as_ref().map(|h| h.get(l).to_owned()).unwrap_or_default()))
                    (reason_field(lang, "help"))
                    button type="submit" class="secondary" { (say(lang, "send_proposal")) }
                }
            }
            @if own_options {
                section aria-labelledby="option-title" {
                    h2 id="option-title" { (say(lang, "add_option")) }
                    form method="post" action=(action) {
                        (hidden(csrf, "add_option"))
                        div class="field" {
                            label for="option-code" { (say(lang, "code")) }
                            input id="option-code" name="code" type="text" required autocomplete="off";
                        }
                        (texts_fields("label", survey, |_| String::new()))
                        div class="field" {
                            label for="option-role" { (say(lang, "role")) }
                            select id="option-role" name="role" {
                                @for role in ["neutral", "positive", "negative", "not_applicable"] {
                                    option value=(role) { (say(lang, &format!("role_{role}"))) }
                                }
                            }
                        }
                        (reason_field(lang, "add_option"))
                        button type="submit" class="secondary" { (say(lang, "send_proposal")) }
                    }
                }
            }
            section aria-labelledby="move-title" {
                h2 id="move-title" { (say(lang, "move")) }
                form method="post" action=(action) {
                    (hidden(csrf, "move"))
                    div class="field" {
                        label for="move-section" { (say(lang, "section")) }
                        select id="move-section" name="section" {
                            @for section in &survey.sections {
                                option value=(section.id) selected[section_of.as_deref() == Some(section.id.as_str())] {
                                    (section.title.get(&text_lang))
                                }
                            }
                        }
                    }
                    div class="field" {
                        label for="move-position" { (say(lang, "position")) }
                        input id="move-position" name="position" type="number" min="1" value="1" required;
                    }
                    (reason_field(lang, "move"))
                    button type="submit" class="secondary" { (say(lang, "send_proposal")) }
                }
            }
            section aria-labelledby="remove-title" {
                h2 id="remove-title" { (say(lang, "remove")) }
                form method="post" action=(action) {
                    (hidden(csrf, "remove"))
                    (reason_field(lang, "remove"))
                    button type="submit" class="secondary" { (say(lang, "send_proposal")) }
                }
            }
        },
    )
}

/// One proposal: what it changes, why, the discussion, and the decision or its form.
pub fn proposal_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    (proposal, survey): (&Proposal, &Survey),
    changes: Result<&[Change], &str>,
) -> Markup {
    let text_lang = survey.text_language(lang);
    let open = proposal.state == ProposalState::Open;
    let base = format!("/team/proposals/{}", proposal.id);
    frame(
        lang,
        &format!(
            "{} — {}",
            say(lang, "proposal"),
            item_title(survey, &proposal.item, &text_lang)
        ),
        Some(who),
        csrf,
        html! {
            p { a href={ "/team/surveys/" (proposal.survey) "#item-" (proposal.item) } { (say(lang, "back_to_survey")) } }
            dl {
                dt { (say(lang, "proposed_by")) }
                dd { (proposal.author) " (" (proposal.role.replace('_', " ")) "), " (day(&proposal.at)) }
                dt { (say(lang, "why")) }
                dd { (proposal.reason) }
                dt { (say(lang, "state")) }
                dd { strong { (state_word(lang, proposal.state)) } }
                @if let Some(by) = &proposal.decided_by {
                    dt { (say(lang, "decided_by")) }
                    dd {
                        (by) ", " (proposal.decided_at.as_deref().map(day).unwrap_or_default())
                        @if let Some(reason) = &proposal.decision_reason { " : " (reason) }
                    }
                }
                @if let Some(new) = &proposal.new_survey {
                    dt { (say(lang, "new_version")) }
                    dd {
                        a href={ "/team/surveys/" (new) } { (say(lang, "new_version")) }
                        " · "
                        a href={ "/team/surveys/" (proposal.survey) "/diff/" (new) } { (say(lang, "differences")) }
                    }
                }
            }
            h2 { (say(lang, "what_changes")) " (" (change_kind(lang, &proposal.change)) ")" }
            @match changes {
                Ok(changes) => (changes_list(lang, changes, survey, &text_lang)),
                Err(why) => div class="error-summary" role="alert" { p { (say(lang, "no_longer_applies")) (why) } },
            }
            h2 { (say(lang, "comments")) }
            ul class="comments" {
                @for comment in &proposal.comments {
                    li { (comment.text) " — " (comment.author) " (" (comment.role.replace('_', " ")) "), " (day(&comment.at)) }
                }
            }
            @if open {
                form method="post" action={ (base) "/comments" } {
                    input type="hidden" name="csrf" value=(csrf);
                    div class="field" {
                        label for="comment-text" { (say(lang, "your_comment")) }
                        textarea id="comment-text" name="text" rows="3" required {}
                    }
                    button type="submit" class="secondary" { (say(lang, "send_comment")) }
                }
                @if who.1.is_researcher() {
                    h2 { (say(lang, "decide")) }
                    form method="post" action={ (base) "/decision" } {
                        input type="hidden" name="csrf" value=(csrf);
                        fieldset {
                            legend { (say(lang, "decide")) }
                            div class="field" {
                                input type="radio" id="decision-accept" name="decision" value="accept" required;
                                label for="decision-accept" { (say(lang, "accept")) }
                            }
                            div class="field" {
                                input type="radio" id="decision-decline" name="decision" value="decline";
                                label for="decision-decline" { (say(lang, "decline")) }
                            }
                        }
                        div class="field" {
                            label for="decision-reason" { (say(lang, "decision_reason")) }
                            textarea id="decision-reason" name="reason" rows="3" required {}
                        }
                        button type="submit" { (say(lang, "send_decision")) }
                    }
                }
            }
        },
    )
}

/// The differences between two versions, item by item.
pub fn diff_page(
    lang: &str,
    who: (&str, Role),
    csrf: &str,
    diff: &SurveyDiff,
    new: &Survey,
) -> Markup {
    let text_lang = new.text_language(lang);
    frame(
        lang,
        &format!(
            "{} — {} {} → {}",
            say(lang, "differences"),
            diff.new.id,
            diff.old.version,
            diff.new.version
        ),
        Some(who),
        csrf,
        html! {
            p {
                a href={ "/team/surveys/" (diff.old.hash) } { (diff.old.id) " " (diff.old.version) }
                " → "
                a href={ "/team/surveys/" (diff.new.hash) } { (diff.new.id) " " (diff.new.version) }
            }
            @if diff.changes.is_empty() {
                p { (say(lang, "no_differences")) }
            } @else {
                (changes_list(lang, &diff.changes, new, &text_lang))
            }
        },
    )
}

/// The changes, one list item each: what it is about, what changed, and whether answers still
/// compare; rewordings show the text before and after.
fn changes_list(lang: &str, changes: &[Change], survey: &Survey, text_lang: &Lang) -> Markup {
    html! {
        ul class="changes" {
            @for change in changes {
                li {
                    strong {
                        @match &change.subject {
                            Subject::Survey => (say(lang, "whole_survey")),
                            Subject::Section(id) => { (say(lang, "section")) " " (id) }
                            Subject::Item(id) => { (say(lang, "question")) " " (item_title(survey, id.as_str(), text_lang)) }
                        }
                    }
                    " — "
                    @match &change.what {
                        What::Reworded { lang: text_in, part, old, new } => {
                            (part.to_string()) " (" (text_in.as_str()) ")"
                            dl class="reworded" {
                                dt { (say(lang, "before")) }
                                dd lang=(text_in.base()) { del { (old.as_deref().unwrap_or(say(lang, "none"))) } }
                                dt { (say(lang, "after")) }
                                dd lang=(text_in.base()) { ins { (new.as_deref().unwrap_or(say(lang, "none"))) } }
                            }
                        }
                        other => (other.to_string()),
                    }
                    " · "
                    em { (if change.what.breaks_comparison() { say(lang, "breaks") } else { say(lang, "pools") }) }
                }
            }
        }
    }
}

/// The kind of change, in words: the heading of the form that proposes it.
fn change_kind(lang: &str, change: &ItemChange) -> &'static str {
    say(lang, change.kind())
}

fn day(at: &str) -> &str {
    at.get(..10).unwrap_or(at)
}

/// The proposals on a question (or all of them), for the co-design page.
pub fn proposals_list(lang: &str, proposals: &[&Proposal]) -> Markup {
    html! {
        @if proposals.is_empty() {
            p class="hint" { (say(lang, "no_proposals")) }
        } @else {
            ul class="proposals" {
                @for proposal in proposals {
                    li {
                        a href={ "/team/proposals/" (proposal.id) } {
                            (change_kind(lang, &proposal.change)) " — " (proposal.author) ", " (day(&proposal.at))
                        }
                        " · " strong { (state_word(lang, proposal.state)) }
                    }
                }
            }
        }
    }
}

/// The heading and link words the co-design page borrows.
pub fn word(lang: &str, key: &str) -> &'static str {
    say(lang, key)
}
