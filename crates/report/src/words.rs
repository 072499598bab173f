//! The report's own words in vecu's four languages (the definition supplies the questions).

/// A phrase of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phrase {
    Contents,
    Summary,
    NoSummary,
    Priorities,
    NoPriorities,
    Methods,
    Acknowledgements,
    Interpretation,
    ForPatients,
    Action,
    Comments,
    By,
    Version,
    Figure,
    Value,
    PctPositive,
    PctProblem,
    Mean,
    DomainScore,
    Weighted,
    SiteRange,
    Outliers,
    ResponseRate,
    NotShown,
    DraftNotice,
    State,
    Respondents,
    Invited,
    Weighting,
    NoWeighting,
    CaseMix,
    Threshold,
    KAnonymity,
    Engagement,
    Hours,
    Approvals,
    MarkedImportant,
    ResearchersDraft,
    AggregatesOnly,
    PostStratifiedBySite,
    EngagementAnswered,
    ScorePerDomain,
    FunnelLimits,
    FunnelPlain,
    FunnelMultiplicative,
    FunnelRandomEffects,
    FunnelEstimated,
    FunnelPhi,
    FunnelTau,
    Median,
    Measures,
    AtAGlance,
    Question,
    Appendix,
    AppendixIntro,
    FewerThan,
    HiddenToProtect,
}

/// The phrase in `lang` (fr, de, it; English otherwise).
pub(crate) fn phrase(lang: &str, phrase: Phrase) -> &'static str {
    use Phrase::*;
    let [fr, de, it, en] = match phrase {
        Contents => ["Sommaire", "Inhalt", "Indice", "Contents"],
        Summary => [
            "Résumé en langage simple",
            "Zusammenfassung in einfacher Sprache",
            "Sintesi in linguaggio semplice",
            "Plain-language summary",
        ],
        NoSummary => [
            "Le résumé n'est pas encore écrit.",
            "Die Zusammenfassung ist noch nicht geschrieben.",
            "La sintesi non è ancora stata scritta.",
            "The summary is not written yet.",
        ],
        Priorities => [
            "Ce qui compte pour les patients",
            "Was für Patientinnen und Patienten zählt",
            "Ciò che conta per i pazienti",
            "What matters to patients",
        ],
        NoPriorities => [
            "Les patients partenaires n'ont pas encore classé les résultats.",
            "Die Patientenpartner haben die Ergebnisse noch nicht gewichtet.",
            "I pazienti partner non hanno ancora classificato i risultati.",
            "Patient partners have not ranked the findings yet.",
        ],
        Methods => ["Méthodes", "Methoden", "Metodi", "Methods"],
        Acknowledgements => [
            "Remerciements et contributions",
            "Dank und Beiträge",
            "Ringraziamenti e contributi",
            "Acknowledgements and contributions",
        ],
        Interpretation => [
            "Interprétation",
            "Interpretation",
            "Interpretazione",
            "Interpretation",
        ],
        ForPatients => [
            "Ce que cela signifie pour les patients",
            "Was das für Patientinnen und Patienten bedeutet",
            "Cosa significa per i pazienti",
            "What this means for patients",
        ],
        Action => [
            "Action recommandée",
            "Empfohlene Massnahme",
            "Azione raccomandata",
            "Recommended action",
        ],
        Comments => ["Commentaires", "Kommentare", "Commenti", "Comments"],
        By => ["par", "von", "di", "by"],
        Version => ["version", "Version", "versione", "version"],
        Figure => ["Chiffre", "Kennzahl", "Dato", "Figure"],
        Value => ["Valeur", "Wert", "Valore", "Value"],
        PctPositive => [
            "Réponses positives",
            "Positive Antworten",
            "Risposte positive",
            "Positive answers",
        ],
        PctProblem => [
            "Réponses signalant un problème",
            "Antworten mit Problem",
            "Risposte che indicano un problema",
            "Answers showing a problem",
        ],
        Mean => ["Moyenne", "Mittelwert", "Media", "Mean"],
        DomainScore => [
            "Score du domaine",
            "Bereichswert",
            "Punteggio del dominio",
            "Domain score",
        ],
        Weighted => [
            "pondéré sur l'échantillon invité",
            "gewichtet auf die eingeladene Stichprobe",
            "ponderato sul campione invitato",
            "weighted to the invited sample",
        ],
        SiteRange => [
            "Écart entre sites (ajusté)",
            "Spannweite zwischen Standorten (adjustiert)",
            "Differenza tra siti (aggiustata)",
            "Range between sites (adjusted)",
        ],
        Outliers => [
            "Sites hors des limites à 99,8 %",
            "Standorte ausserhalb der 99,8-%-Grenzen",
            "Siti fuori dai limiti al 99,8%",
            "Sites outside the 99.8% limits",
        ],
        ResponseRate => [
            "Taux de réponse",
            "Rücklaufquote",
            "Tasso di risposta",
            "Response rate",
        ],
        NotShown => ["non affiché", "nicht gezeigt", "non mostrato", "not shown"],
        DraftNotice => [
            "Version de travail : ce rapport n'est pas publié.",
            "Arbeitsversion: Dieser Bericht ist nicht veröffentlicht.",
            "Versione di lavoro: questo rapporto non è pubblicato.",
            "Working version: this report is not published.",
        ],
        State => ["État", "Stand", "Stato", "State"],
        Respondents => ["Répondants", "Antwortende", "Rispondenti", "Respondents"],
        Invited => [
            "Personnes invitées",
            "Eingeladene",
            "Persone invitate",
            "Invited",
        ],
        Weighting => [
            "Pondération de non-réponse",
            "Gewichtung für Nichtantwort",
            "Ponderazione per la non risposta",
            "Non-response weighting",
        ],
        NoWeighting => ["aucune", "keine", "nessuna", "none"],
        CaseMix => [
            "Ajustement selon les caractéristiques des patients",
            "Adjustierung nach Patientenmerkmalen",
            "Aggiustamento per le caratteristiche dei pazienti",
            "Case-mix adjustment",
        ],
        Threshold => [
            "Seuil de suppression (répondants minimum)",
            "Unterdrückungsschwelle (Mindestzahl Antwortender)",
            "Soglia di soppressione (rispondenti minimi)",
            "Suppression threshold (minimum respondents)",
        ],
        KAnonymity => [
            "k-anonymat des données exportées",
            "k-Anonymität der exportierten Daten",
            "k-anonimato dei dati esportati",
            "k-anonymity of exported data",
        ],
        Engagement => [
            "Qualité de l'engagement des patients partenaires",
            "Qualität der Beteiligung der Patientenpartner",
            "Qualità del coinvolgimento dei pazienti partner",
            "Quality of patient partners' engagement",
        ],
        Hours => ["heures", "Stunden", "ore", "hours"],
        Approvals => ["Approbations", "Freigaben", "Approvazioni", "Approvals"],
        MarkedImportant => [
            "marqué important par",
            "als wichtig markiert von",
            "segnato come importante da",
            "marked important by",
        ],
        AggregatesOnly => [
            "sans objet : le rapport ne publie que des résultats agrégés, jamais de données individuelles",
            "entfällt: Der Bericht veröffentlicht nur zusammengefasste Ergebnisse, nie Einzeldaten",
            "non applicabile: il rapporto pubblica solo risultati aggregati, mai dati individuali",
            "not applicable: the report publishes aggregate results only, never individual records",
        ],
        PostStratifiedBySite => [
            "post-stratification par site sur les personnes invitées",
            "Nachschichtung nach Standort auf die Eingeladenen",
            "post-stratificazione per sito sulle persone invitate",
            "post-stratification by site to the invited patients",
        ],
        EngagementAnswered => [
            "patients partenaires ont répondu au questionnaire d'engagement",
            "Patientenpartner beantworteten den Fragebogen zur Beteiligung",
            "pazienti partner hanno risposto al questionario sul coinvolgimento",
            "patient partners answered the engagement questionnaire",
        ],
        ScorePerDomain => [
            "score par domaine, 0-100",
            "Wert pro Bereich, 0-100",
            "punteggio per dominio, 0-100",
            "score per domain, 0-100",
        ],
        FunnelLimits => [
            "Limites des graphiques en entonnoir",
            "Trichtergrenzen",
            "Limiti dei grafici a imbuto",
            "Funnel limits",
        ],
        FunnelPlain => [
            "limites simples\u{a0}: le hasard seul, sans tenir compte de la surdispersion",
            "einfache Grenzen: nur der Zufall, ohne Überdispersion",
            "limiti semplici: solo il caso, senza tenere conto della sovradispersione",
            "plain limits: chance alone, no allowance for over-dispersion",
        ],
        FunnelMultiplicative => [
            "facteur de surdispersion multiplicatif (Spiegelhalter 2005)\u{a0}: les limites du hasard sont élargies d'un facteur √φ quand φ > 1",
            "multiplikativer Überdispersionsfaktor (Spiegelhalter 2005): Die Zufallsgrenzen werden um den Faktor √φ erweitert, wenn φ > 1",
            "fattore di sovradispersione moltiplicativo (Spiegelhalter 2005): i limiti del caso sono allargati di un fattore √φ quando φ > 1",
            "multiplicative over-dispersion factor (Spiegelhalter 2005): chance limits are widened by √φ when φ > 1",
        ],
        FunnelRandomEffects => [
            "effets aléatoires additifs (Spiegelhalter 2005)\u{a0}: les limites tiennent compte du hasard et des différences réelles entre sites (variance τ²)",
            "additive zufällige Effekte (Spiegelhalter 2005): Die Grenzen berücksichtigen den Zufall und echte Unterschiede zwischen Standorten (Varianz τ²)",
            "effetti casuali additivi (Spiegelhalter 2005): i limiti tengono conto del caso e delle differenze reali tra siti (varianza τ²)",
            "additive random effects (Spiegelhalter 2005): limits allow for chance and for real differences between sites (variance τ²)",
        ],
        FunnelEstimated => [
            "Estimation par mesure à partir des scores z des sites affichés, winsorisés à 10\u{a0}%",
            "Je Kennzahl geschätzt aus den z-Werten der gezeigten Standorte, auf 10 % winsorisiert",
            "Stima per misura dai punteggi z dei siti mostrati, winsorizzati al 10%",
            "Estimated per measure from the shown sites' z-scores, winsorised at 10%",
        ],
        FunnelPhi => [
            "surdispersion φ",
            "Überdispersion φ",
            "sovradispersione φ",
            "over-dispersion φ",
        ],
        FunnelTau => [
            "écart-type entre sites τ (points, échelles 0-100)",
            "Standardabweichung zwischen Standorten τ (Punkte, Skalen 0-100)",
            "deviazione standard tra siti τ (punti, scale 0-100)",
            "between-site standard deviation τ (points on 0-100 scales)",
        ],
        Median => ["médiane", "Median", "mediana", "median"],
        Measures => ["mesures", "Kennzahlen", "misure", "measures"],
        AtAGlance => ["L'essentiel", "Das Wichtigste", "L'essenziale", "At a glance"],
        Question => ["Question", "Frage", "Domanda", "Question"],
        Appendix => [
            "Annexe : le détail par question",
            "Anhang: jede Frage im Einzelnen",
            "Allegato: il dettaglio per domanda",
            "Appendix: each question in detail",
        ],
        AppendixIntro => [
            "Chaque question avec ses chiffres et l'écart entre établissements, puis les textes des co-auteurs sur les questions ; les graphiques par établissement sont ceux des domaines ci-dessus et des fichiers de l'analyse.",
            "Jede Frage mit ihren Zahlen und der Spannweite zwischen den Spitälern, dann die Texte der Mitautorinnen und Mitautoren zu den Fragen; die Grafiken nach Spital sind die der Bereiche oben und die der Analysedateien.",
            "Ogni domanda con i suoi dati e lo scarto tra ospedali, poi i testi dei coautori sulle domande; i grafici per ospedale sono quelli degli ambiti qui sopra e dei file dell'analisi.",
            "Each question with its figures and the spread between sites, then the co-authors' texts on questions; the charts by site are those of the domains above and of the analysis files.",
        ],
        FewerThan => [
            "moins de {n} répondants",
            "weniger als {n} Antwortende",
            "meno di {n} rispondenti",
            "fewer than {n} respondents",
        ],
        HiddenToProtect => [
            "masqué pour qu'aucun chiffre caché ne puisse être déduit",
            "verborgen, damit sich keine verborgene Zahl erschliessen lässt",
            "nascosto perché nessun dato nascosto possa essere dedotto",
            "hidden so that no hidden figure can be worked out",
        ],
        ResearchersDraft => [
            "Texte proposé par l'équipe de recherche",
            "Textvorschlag des Forschungsteams",
            "Testo proposto dal gruppo di ricerca",
            "Draft text by the research team",
        ],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

/// A role's name in `lang`.
pub(crate) fn role_name(lang: &str, role: &str) -> &'static str {
    let [fr, de, it, en] = match role {
        "patient_partner" => [
            "patient partenaire",
            "Patientenpartner/in",
            "paziente partner",
            "patient partner",
        ],
        "admin" => [
            "administration",
            "Administration",
            "amministrazione",
            "administrator",
        ],
        _ => [
            "chercheur·e",
            "Forscher/in",
            "ricercatore/trice",
            "researcher",
        ],
    };
    match lang {
        "fr" => fr,
        "de" => de,
        "it" => it,
        _ => en,
    }
}

/// "44 % (IC 95 % 40–48 %, n = 551)" in `lang`.
pub(crate) fn percent_with_interval(
    lang: &str,
    estimate: f64,
    low: Option<f64>,
    high: Option<f64>,
    n: Option<u64>,
) -> String {
    let (percent, ci) = match lang {
        "fr" => ("\u{a0}%", "IC 95\u{a0}%"),
        "de" => ("\u{a0}%", "95-%-KI"),
        "it" => ("%", "IC 95%"),
        _ => ("%", "95% CI"),
    };
    let mut text = format!("{estimate:.0}{percent}");
    if let (Some(low), Some(high)) = (low, high) {
        text += &format!(" ({ci} {low:.0}–{high:.0}{percent}");
        if let Some(n) = n {
            text += &format!(", n\u{a0}=\u{a0}{n}");
        }
        text += ")";
    }
    text
}
