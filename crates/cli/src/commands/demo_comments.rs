//! Invented patients' comments for the demo, in the four languages, each with the themes and tone
//! a coder would give it, so that the demo can code them as a researcher and a partner would.
//! Every comment is written for the demo; none comes from a patient.

/// (language, question, text, themes, tone).
pub type DemoComment = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

pub const COMMENTS: &[DemoComment] = &[
    (
        "fr",
        "comments_good",
        "Les infirmières de l'oncologie ont toujours pris le temps de m'expliquer le traitement.",
        &["communication", "information"],
        "positive",
    ),
    (
        "fr",
        "comments_good",
        "Merci à toute l'équipe, j'ai été traitée avec beaucoup de respect.",
        &["respect_dignity", "staff_praise"],
        "positive",
    ),
    (
        "fr",
        "comments_good",
        "On m'a donné un numéro à appeler la nuit, cela m'a rassurée.",
        &["support_at_home"],
        "positive",
    ),
    (
        "fr",
        "comments_improve",
        "Trois heures d'attente avant chaque chimiothérapie, sans savoir pourquoi.",
        &["waiting", "information"],
        "negative",
    ),
    (
        "fr",
        "comments_improve",
        "Mon médecin de famille n'avait pas reçu les résultats du scanner.",
        &["coordination"],
        "negative",
    ),
    (
        "fr",
        "comments_improve",
        "Très bien soignée, mais les factures arrivaient en double et personne ne répondait.",
        &["administration", "staff_praise"],
        "mixed",
    ),
    (
        "fr",
        "comments_improve",
        "La douleur la nuit n'a pas été prise au sérieux.",
        &["pain_symptoms"],
        "negative",
    ),
    (
        "de",
        "comments_good",
        "Die Ärztin hat sich Zeit genommen und alle meine Fragen beantwortet.",
        &["communication"],
        "positive",
    ),
    (
        "de",
        "comments_good",
        "Die Pflege auf der Station war freundlich und aufmerksam.",
        &["staff_praise"],
        "positive",
    ),
    (
        "de",
        "comments_improve",
        "Nach der Entlassung wusste ich nicht, wen ich anrufen soll.",
        &["support_at_home"],
        "negative",
    ),
    (
        "de",
        "comments_improve",
        "Niemand hat mir angeboten, mit einer Psychologin zu sprechen.",
        &["emotional_support"],
        "negative",
    ),
    (
        "de",
        "comments_improve",
        "Gute Behandlung, aber das Zimmer war sehr laut.",
        &["environment", "staff_praise"],
        "mixed",
    ),
    (
        "it",
        "comments_good",
        "Mi hanno spiegato bene gli effetti collaterali prima di iniziare.",
        &["information"],
        "positive",
    ),
    (
        "it",
        "comments_improve",
        "Gli appuntamenti venivano spostati spesso senza avvisarmi.",
        &["waiting", "coordination"],
        "negative",
    ),
    (
        "it",
        "comments_improve",
        "Il cibo era scarso, ma il personale gentilissimo.",
        &["environment", "staff_praise"],
        "mixed",
    ),
    (
        "en",
        "comments_good",
        "The nurse specialist was always there when I needed her.",
        &["staff_praise", "emotional_support"],
        "positive",
    ),
    (
        "en",
        "comments_improve",
        "Nobody told me the results of my scan for two weeks.",
        &["information", "waiting"],
        "negative",
    ),
];
