//! The hospital report's own words in vecu's four languages (the rest comes from `words.rs`).

/// A word or sentence of the hospital report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    Title,
    AtAGlance,
    AllSites,
    ThisSite,
    Hidden1,
    Hidden2,
    Best,
    Worst,
    NoneAbove,
    NoneBelow,
    DomainsCaption,
    QuestionsCaption,
    Priorities,
    PrioritiesIntro,
    NoPriorities,
    Domains,
    Questions,
    Measure,
    Adjusted,
    Expected,
    Standing,
    Above,
    Within,
    Below,
    AboveShort,
    WithinShort,
    BelowShort,
    Change,
    HowToRead,
    HowToReadText,
}

/// The word in `lang` (fr, de, it; English otherwise).
pub(crate) fn say(lang: &str, word: Word) -> &'static str {
    use Word::*;
    let [fr, de, it, en] = match word {
        Title => [
            "Résultats de l'établissement",
            "Ergebnisse des Spitals",
            "Risultati dell'ospedale",
            "Results of the hospital",
        ],
        AtAGlance => ["En bref", "Auf einen Blick", "In sintesi", "At a glance"],
        AllSites => [
            "tous les établissements",
            "alle Spitäler",
            "tutti gli ospedali",
            "all sites",
        ],
        ThisSite => [
            "cet établissement",
            "dieses Spital",
            "questo ospedale",
            "this site",
        ],
        Hidden1 => [
            "Moins de",
            "Weniger als",
            "Meno di",
            "Fewer than",
        ],
        Hidden2 => [
            "patients de cet établissement ont répondu: ses résultats ne sont pas montrés, afin que personne ne puisse être reconnu. Seuls les résultats de l'ensemble des établissements figurent ci-dessous.",
            "Patientinnen und Patienten dieses Spitals haben geantwortet: seine Ergebnisse werden nicht gezeigt, damit niemand erkannt werden kann. Unten stehen nur die Ergebnisse aller Spitäler.",
            "pazienti di questo ospedale hanno risposto: i suoi risultati non sono mostrati, perché nessuno possa essere riconosciuto. Qui sotto figurano solo i risultati di tutti gli ospedali.",
            "patients of this site answered: its results are not shown, so that nobody can be recognised. Only the results of all sites are shown below.",
        ],
        Best => [
            "Là où l'établissement fait le mieux",
            "Wo das Spital am besten abschneidet",
            "Dove l'ospedale va meglio",
            "Where the site does best",
        ],
        Worst => [
            "Là où il y a le plus à améliorer",
            "Wo am meisten zu verbessern ist",
            "Dove c'è più da migliorare",
            "Where there is most to improve",
        ],
        NoneAbove => [
            "Aucune question où l'établissement dépasse l'ensemble des établissements.",
            "Keine Frage, bei der das Spital über allen Spitälern liegt.",
            "Nessuna domanda in cui l'ospedale supera tutti gli ospedali.",
            "No question where the site is above all sites.",
        ],
        NoneBelow => [
            "Aucune question où l'établissement est en dessous de l'ensemble des établissements.",
            "Keine Frage, bei der das Spital unter allen Spitälern liegt.",
            "Nessuna domanda in cui l'ospedale è al di sotto di tutti gli ospedali.",
            "No question where the site is below all sites.",
        ],
        DomainsCaption => [
            "Score de chaque domaine (0 à 100): l'établissement, ajusté, face à l'ensemble des établissements",
            "Wert jedes Bereichs (0 bis 100): das Spital, bereinigt, gegenüber allen Spitälern",
            "Punteggio di ogni ambito (da 0 a 100): l'ospedale, aggiustato, rispetto a tutti gli ospedali",
            "Score of each domain (0 to 100): the site, adjusted, against all sites",
        ],
        QuestionsCaption => [
            "Pourcentage de réponses positives à chaque question: l'établissement, ajusté, face à l'ensemble des établissements",
            "Anteil positiver Antworten je Frage: das Spital, bereinigt, gegenüber allen Spitälern",
            "Percentuale di risposte positive a ogni domanda: l'ospedale, aggiustato, rispetto a tutti gli ospedali",
            "Share of positive answers to each question: the site, adjusted, against all sites",
        ],
        Priorities => [
            "Priorités d'amélioration",
            "Prioritäten für Verbesserungen",
            "Priorità di miglioramento",
            "Improvement priorities",
        ],
        PrioritiesIntro => [
            "Questions fortement liées à la note globale que les patients donnent à leurs soins, où l'établissement est nettement en dessous de l'ensemble des établissements.",
            "Fragen, die eng mit der Gesamtbewertung der Behandlung durch die Patientinnen und Patienten zusammenhängen und bei denen das Spital deutlich unter allen Spitälern liegt.",
            "Domande strettamente legate al giudizio complessivo che i pazienti danno alle cure, in cui l'ospedale è nettamente al di sotto di tutti gli ospedali.",
            "Questions closely linked to the overall rating patients give their care, where the site is clearly below all sites.",
        ],
        NoPriorities => [
            "Aucune question de ce type.",
            "Keine solche Frage.",
            "Nessuna domanda di questo tipo.",
            "No such question.",
        ],
        Domains => ["Domaines", "Bereiche", "Ambiti", "Domains"],
        Questions => ["Questions", "Fragen", "Domande", "Questions"],
        Measure => ["Mesure", "Kennzahl", "Misura", "Measure"],
        Adjusted => [
            "Score ajusté de l'établissement (IC 95\u{a0}%)",
            "Bereinigter Wert des Spitals (95-%-KI)",
            "Punteggio aggiustato dell'ospedale (IC 95%)",
            "Site's adjusted score (95% CI)",
        ],
        Expected => [
            "Plage attendue",
            "Erwarteter Bereich",
            "Intervallo atteso",
            "Expected range",
        ],
        Standing => ["Position", "Einordnung", "Posizione", "Where it stands"],
        Above => [
            "Au-dessus de la plage attendue",
            "Über dem erwarteten Bereich",
            "Sopra l'intervallo atteso",
            "Above the expected range",
        ],
        Within => [
            "Dans la plage attendue",
            "Im erwarteten Bereich",
            "Nell'intervallo atteso",
            "Within the expected range",
        ],
        Below => [
            "En dessous de la plage attendue",
            "Unter dem erwarteten Bereich",
            "Sotto l'intervallo atteso",
            "Below the expected range",
        ],
        AboveShort => ["Au-dessus", "Darüber", "Sopra", "Above"],
        WithinShort => ["Dans la plage", "Im Bereich", "Nell'intervallo", "Within"],
        BelowShort => ["En dessous", "Darunter", "Sotto", "Below"],
        Change => [
            "Évolution depuis la vague précédente (points)",
            "Veränderung seit der letzten Welle (Punkte)",
            "Variazione dall'ondata precedente (punti)",
            "Change since the previous wave (points)",
        ],
        HowToRead => [
            "Comment lire ce rapport",
            "So lesen Sie diesen Bericht",
            "Come leggere questo rapporto",
            "How to read this report",
        ],
        HowToReadText => [
            "Les questions donnent le pourcentage de réponses positives, les domaines un score de 0 à 100. Les scores de l'établissement sont ajustés au profil de ses patients, pour être comparables à l'ensemble des établissements. La plage attendue est celle où le score d'un établissement de cette taille tomberait 95 fois sur 100 s'il ne différait pas de l'ensemble; un score au-dessus ou en dessous est nettement différent.",
            "Fragen zeigen den Anteil positiver Antworten, Bereiche einen Wert von 0 bis 100. Die Werte des Spitals sind an die Zusammensetzung seiner Patientinnen und Patienten angepasst, damit sie mit allen Spitälern vergleichbar sind. Der erwartete Bereich ist der, in dem der Wert eines Spitals dieser Grösse 95 von 100 Mal läge, wenn es sich nicht von allen unterschiede; ein Wert darüber oder darunter unterscheidet sich deutlich.",
            "Le domande indicano la percentuale di risposte positive, gli ambiti un punteggio da 0 a 100. I punteggi dell'ospedale sono aggiustati al profilo dei suoi pazienti, per essere confrontabili con tutti gli ospedali. L'intervallo atteso è quello in cui cadrebbe 95 volte su 100 il punteggio di un ospedale di queste dimensioni se non differisse da tutti; un punteggio sopra o sotto è nettamente diverso.",
            "Questions show the percentage of positive answers, domains a score from 0 to 100. The site's scores are adjusted for the mix of its patients, so that they compare with all sites. The expected range is where the score of a site of this size would fall 95 times in 100 if it did not differ from all sites; a score above or below it is clearly different.",
        ],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}
