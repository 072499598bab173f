//! The public results page's own words in vecu's four languages: written for patients, in
//! plain language (the report's findings keep the report's language).

/// A word or sentence of the public results page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    Title,
    Intro,
    Language,
    Answered,
    AnsweredCount,
    AnsweredOne,
    AnsweredOfInvited,
    AnsweredOneOfInvited,
    MainPoints,
    WrittenBy,
    OriginalIn,
    GoesWell,
    NeedsWork,
    PositiveShare,
    ByTheme,
    ByThemeIntro,
    Score,
    NoRecord,
    NotPublishedTitle,
    NotPublishedText,
    UnknownTitle,
    UnknownText,
}

/// The word in `lang` (fr, de, it; English otherwise). `{n}`, `{invited}` and `{rate}` are
/// filled in by the caller.
pub(crate) fn say(lang: &str, word: Word) -> &'static str {
    use Word::*;
    let [fr, de, it, en] = match word {
        Title => [
            "Résultats de l'enquête",
            "Ergebnisse der Befragung",
            "Risultati dell'indagine",
            "Results of the survey",
        ],
        Intro => [
            "Vous avez peut-être répondu à cette enquête. Voici ce qui en est ressorti.",
            "Vielleicht haben Sie an dieser Befragung teilgenommen. Hier lesen Sie, was dabei herausgekommen ist.",
            "Forse ha risposto a questa indagine. Ecco che cosa ne è emerso.",
            "You may have answered this survey. Here is what came of it.",
        ],
        Language => ["Langue", "Sprache", "Lingua", "Language"],
        Answered => ["Qui a répondu", "Wer geantwortet hat", "Chi ha risposto", "Who answered"],
        AnsweredCount => [
            "{n} patientes et patients ont répondu.",
            "{n} Patientinnen und Patienten haben geantwortet.",
            "{n} pazienti hanno risposto.",
            "{n} patients answered.",
        ],
        AnsweredOne => [
            "Une patiente ou un patient a répondu.",
            "Eine Patientin oder ein Patient hat geantwortet.",
            "Una paziente o un paziente ha risposto.",
            "One patient answered.",
        ],
        AnsweredOneOfInvited => [
            "Une patiente ou un patient a répondu, sur {invited} invités ({rate} %).",
            "Eine Patientin oder ein Patient hat geantwortet, von {invited} Eingeladenen ({rate} %).",
            "Una paziente o un paziente ha risposto, su {invited} invitati ({rate} %).",
            "One patient answered, out of {invited} invited ({rate}%).",
        ],
        AnsweredOfInvited => [
            "{n} patientes et patients ont répondu, sur {invited} invités ({rate} %).",
            "{n} Patientinnen und Patienten haben geantwortet, von {invited} Eingeladenen ({rate} %).",
            "{n} pazienti hanno risposto, su {invited} invitati ({rate} %).",
            "{n} patients answered, out of {invited} invited ({rate}%).",
        ],
        MainPoints => ["L'essentiel", "Das Wichtigste", "L'essenziale", "The main points"],
        WrittenBy => [
            "Écrit par des patients partenaires avec les chercheurs.",
            "Geschrieben von Patientenpartnerinnen und -partnern mit den Forschenden.",
            "Scritto da pazienti partner con i ricercatori.",
            "Written by patient partners with the researchers.",
        ],
        OriginalIn => [
            "Texte original en :",
            "Originaltext auf:",
            "Testo originale in:",
            "Original text in:",
        ],
        GoesWell => ["Ce qui va bien", "Was gut läuft", "Che cosa va bene", "What goes well"],
        NeedsWork => [
            "Ce qui doit le plus s'améliorer",
            "Wo es am meisten zu verbessern gibt",
            "Che cosa va migliorato di più",
            "What most needs work",
        ],
        PositiveShare => [
            "Part des patients ayant répondu positivement à la question.",
            "Anteil der Patientinnen und Patienten, die die Frage positiv beantwortet haben.",
            "Quota di pazienti che hanno risposto positivamente alla domanda.",
            "Share of patients who answered the question positively.",
        ],
        ByTheme => [
            "Les résultats par thème",
            "Die Ergebnisse nach Thema",
            "I risultati per tema",
            "Results by theme",
        ],
        ByThemeIntro => [
            "Chaque graphique montre le score de chaque hôpital sur le thème.",
            "Jede Grafik zeigt die Punktzahl jedes Spitals zum Thema.",
            "Ogni grafico mostra il punteggio di ogni ospedale sul tema.",
            "Each chart shows every hospital's score on the theme.",
        ],
        Score => [
            "Score : {score} sur 100",
            "Punktzahl: {score} von 100",
            "Punteggio: {score} su 100",
            "Score: {score} out of 100",
        ],
        NoRecord => [
            "Cette page ne dépose aucun cookie et ne garde aucune trace de votre visite.",
            "Diese Seite setzt kein Cookie und speichert nichts über Ihren Besuch.",
            "Questa pagina non usa cookie e non registra nulla della sua visita.",
            "This page sets no cookie and keeps no record of your visit.",
        ],
        NotPublishedTitle => [
            "Les résultats ne sont pas encore publiés",
            "Die Ergebnisse sind noch nicht veröffentlicht",
            "I risultati non sono ancora pubblicati",
            "The results are not published yet",
        ],
        NotPublishedText => [
            "Des patients partenaires et des chercheurs les rédigent ensemble. Ils paraîtront à cette adresse dès qu'ils seront approuvés.",
            "Patientenpartnerinnen und -partner und Forschende schreiben sie gemeinsam. Sie erscheinen unter dieser Adresse, sobald sie freigegeben sind.",
            "Pazienti partner e ricercatori li scrivono insieme. Saranno pubblicati a questo indirizzo appena approvati.",
            "Patient partners and researchers are writing them together. They will appear at this address once approved.",
        ],
        UnknownTitle => [
            "Adresse inconnue",
            "Unbekannte Adresse",
            "Indirizzo sconosciuto",
            "Unknown address",
        ],
        UnknownText => [
            "Aucun résultat ne se trouve à cette adresse. Vérifiez l'adresse imprimée sur votre lettre.",
            "Unter dieser Adresse gibt es keine Ergebnisse. Bitte prüfen Sie die Adresse auf Ihrem Brief.",
            "A questo indirizzo non ci sono risultati. Controlli l'indirizzo stampato sulla sua lettera.",
            "There are no results at this address. Please check the address printed on your letter.",
        ],
    };
    match lang.split('-').next().unwrap_or(lang) {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

/// A language's own name, for the switch and for a text left in its original language.
pub(crate) fn language_name(lang: &str) -> &str {
    match lang.split('-').next().unwrap_or(lang) {
        "fr" => "Français",
        "de" => "Deutsch",
        "it" => "Italiano",
        "en" => "English",
        other => other,
    }
}
