//! The few words charts need besides the definition's texts, in vecu's four languages.

/// A chart word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    Positive,
    PositivePartly,
    Neutral,
    Problem,
    ProblemPartly,
    AllSites,
    NotShown,
    AdjustedFor,
    NotAdjusted,
    Interval,
    Respondents,
    ResponseRate,
    ResponseRates,
    Change,
    ChangeTitle,
    Limits95,
    Limits998,
    PercentPositive,
    Mean,
    DomainScore,
    Site,
    Outlier,
    Domain,
    InsideLimits,
    AmongApplicable,
}

/// The word in `lang` (fr, de, it; English otherwise).
pub(crate) fn word(lang: &str, word: Word) -> &'static str {
    use Word::*;
    let [fr, de, it, en] = match word {
        Positive => ["Positif", "Positiv", "Positivo", "Positive"],
        Neutral => ["Neutre", "Neutral", "Neutro", "Neutral"],
        PositivePartly => [
            "Plutôt positif",
            "Eher positiv",
            "Piuttosto positivo",
            "Partly positive",
        ],
        ProblemPartly => [
            "Problème en partie",
            "Teilweise ein Problem",
            "In parte un problema",
            "Partly a problem",
        ],
        Problem => ["Problème", "Problem", "Problema", "Problem"],
        AllSites => [
            "Tous les sites",
            "Alle Standorte",
            "Tutti i siti",
            "All sites",
        ],
        NotShown => ["non affiché", "nicht gezeigt", "non mostrato", "not shown"],
        AdjustedFor => [
            "Ajusté selon",
            "Adjustiert nach",
            "Aggiustato per",
            "Adjusted for",
        ],
        NotAdjusted => [
            "Non ajusté",
            "Nicht adjustiert",
            "Non aggiustato",
            "Not adjusted",
        ],
        Interval => [
            "intervalle de confiance à 95 %",
            "95-%-Konfidenzintervall",
            "intervallo di confidenza al 95%",
            "95% confidence interval",
        ],
        Respondents => ["Répondants", "Antwortende", "Rispondenti", "Respondents"],
        ResponseRate => [
            "Taux de réponse (%)",
            "Rücklaufquote (%)",
            "Tasso di risposta (%)",
            "Response rate (%)",
        ],
        ResponseRates => [
            "Taux de réponse par site",
            "Rücklaufquote pro Standort",
            "Tasso di risposta per sito",
            "Response rate per site",
        ],
        Change => [
            "Évolution depuis la vague précédente (points de %)",
            "Veränderung seit der letzten Welle (Prozentpunkte)",
            "Variazione dall'ondata precedente (punti %)",
            "Change since the previous wave (percentage points)",
        ],
        ChangeTitle => ["Évolution", "Veränderung", "Variazione", "Change"],
        Limits95 => [
            "limites à 95 %",
            "95-%-Grenzen",
            "limiti al 95%",
            "95% limits",
        ],
        Limits998 => [
            "limites à 99,8 %",
            "99,8-%-Grenzen",
            "limiti al 99,8%",
            "99.8% limits",
        ],
        PercentPositive => [
            "% de réponses positives",
            "% positive Antworten",
            "% di risposte positive",
            "% positive answers",
        ],
        Mean => ["Moyenne", "Mittelwert", "Media", "Mean"],
        DomainScore => [
            "Score du domaine (0-100)",
            "Bereichswert (0-100)",
            "Punteggio del dominio (0-100)",
            "Domain score (0-100)",
        ],
        Site => ["Site", "Standort", "Sito", "Site"],
        Outlier => [
            "hors des limites à 99,8 %",
            "ausserhalb der 99,8-%-Grenzen",
            "fuori dai limiti al 99,8%",
            "outside the 99.8% limits",
        ],
        Domain => ["Domaine", "Bereich", "Dominio", "Domain"],
        InsideLimits => [
            "dans les limites à 99,8 %",
            "innerhalb der 99,8-%-Grenzen",
            "entro i limiti al 99,8%",
            "within the 99.8% limits",
        ],
        AmongApplicable => [
            "Tous les sites, parmi les personnes concernées par la question",
            "Alle Standorte, unter den Personen, auf die die Frage zutraf",
            "Tutti i siti, tra le persone a cui la domanda si applicava",
            "All sites, among those to whom the question applied",
        ],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}
