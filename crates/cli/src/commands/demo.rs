//! `vecu demo --out DIR`: the whole story on a new embedded database, as a new user's first
//! command. A wave of invented patients across 8 sites, invitations to a local mailbox,
//! simulated answers, the wave closed (contacts erased), a k-anonymous export, the analysis with
//! its charts, the engagement questionnaire answered by patient partners, and a report
//! co-written, approved and published by researchers and partners, with the contributions
//! ledger. Everything lands under DIR.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vecu_collect::{MailSettings, MailTransport, Mailer, ReportSettings};
use vecu_store::{
    AnonymityPolicy, ApiKey, Contribution, Decision, EncryptionKey, ExportOptions, Mode, Role,
    Store, StoreConfig,
};
use vecu_survey::{ItemChange, Simulator, Survey, TableFormat};

use super::demo_comments::{DemoComment, COMMENTS};

const CANCER_SURVEY: &str = include_str!("../../../../surveys/scape-cancer.json");
const ENGAGEMENT_SURVEY: &str = include_str!("../../../../surveys/engagement.json");

/// Relative sizes of the 8 sites, and their response propensities (big and small hospitals,
/// keen and reluctant ones).
const SITE_SIZES: [f64; 8] = [1.6, 1.3, 1.1, 1.0, 0.9, 0.8, 0.6, 0.4];
const SITE_RESPONSE: [f64; 8] = [0.52, 0.47, 0.44, 0.50, 0.38, 0.55, 0.41, 0.46];
const LANGUAGES: [(&str, f64); 4] = [("fr", 0.55), ("de", 0.30), ("it", 0.10), ("en", 0.05)];

fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut draw = rng.random::<f64>() * total;
    for (index, weight) in weights.iter().enumerate() {
        if draw < *weight {
            return index;
        }
        draw -= weight;
    }
    weights.len() - 1
}

pub fn run(out: &Path, patients: usize, seed: u64) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let database = out.join("vecu-demo.db");
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{}{suffix}", database.display());
        if Path::new(&file).exists() {
            std::fs::remove_file(&file).with_context(|| format!("removing the old {file}"))?;
        }
    }
    let key = EncryptionKey::from_base64(&EncryptionKey::generate_base64())?;
    let store = Store::open(
        &database.display().to_string(),
        StoreConfig {
            key: Some(key),
            actor: "demo".to_owned(),
            ..StoreConfig::default()
        },
    )?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let survey = vecu_survey::load_str(CANCER_SURVEY).context("the shipped survey")?;

    println!("1. A wave of {patients} invented patients across 8 sites");
    let wave = field_patients(&store, &survey, patients, &mut rng)?;
    println!("2. Invitations mailed to {}", out.join("mailbox").display());
    let issued = store.issue_tokens(&wave)?;
    let mailer = Mailer::new(MailSettings {
        transport: MailTransport::parse(&format!("file://{}", out.join("mailbox").display()))?,
        from: "SCAPE demo <scape@example.invalid>".to_owned(),
        public_url: "http://127.0.0.1:8080".to_owned(),
    })?;
    let mailed = mailer.send_invitations(&store, &wave)?;
    println!("   {} messages", mailed.sent);

    println!("3. Simulated answers");
    let sites: HashMap<String, usize> = issued
        .iter()
        .filter_map(|token| {
            let index: usize = token
                .email
                .strip_prefix("patient-")?
                .split('@')
                .next()?
                .parse()
                .ok()?;
            Some((token.invitation.clone(), index % SITE_SIZES.len()))
        })
        .collect();
    let answered = answer(
        &store,
        &survey,
        &issued,
        |invitation| sites.get(invitation).copied(),
        |site| SITE_RESPONSE[site % SITE_RESPONSE.len()],
        seed,
        &mut rng,
    )?;
    let closed = store.close_wave(&wave)?;
    println!(
        "   {answered} answers; wave closed: {} contacts erased, {} counts by site and status kept.",
        closed.contacts_erased, closed.counts_kept
    );

    println!("4. A k-anonymous export and its analysis");
    let export = store.export(
        &wave,
        &ExportOptions {
            k: 5,
            policy: AnonymityPolicy::Generalise,
            free_text: false,
        },
    )?;
    let export_dir = out.join("export");
    std::fs::create_dir_all(&export_dir)?;
    export.write(&export_dir.join("responses.parquet"), TableFormat::Parquet)?;
    let data = vecu_analysis::read_responses(&survey, &export_dir.join("responses.parquet"))?;
    let status = store.wave_status(&wave)?;
    let options = vecu_analysis::Options {
        weighting: vecu_collect::site_weighting(&survey, &status),
        ..vecu_analysis::Options::default()
    };
    let analysis = vecu_analysis::analyse(&survey, &data, &options, None, &mut |_, _| {})?;
    let analysis_dir = out.join("analysis");
    std::fs::create_dir_all(&analysis_dir)?;
    vecu_analysis::write_results(&analysis.rows, &analysis_dir)?;
    let charts = vecu_analysis::write_charts(
        &survey,
        &analysis,
        "fr",
        &analysis_dir.join("charts"),
        &mut |_, _| {},
    )?;
    println!(
        "   {} results, {} chart files in {}",
        analysis.rows.len(),
        charts.len(),
        analysis_dir.display()
    );

    println!("5. Patient partners answer the engagement questionnaire");
    let engagement = engagement_wave(&store, seed, &mut rng)?;

    println!("6. A report co-written with patient partners");
    let report = co_write(&store, &wave, &engagement)?;
    let document = vecu_collect::document(&store, &report)?;
    let html = out.join("report.html");
    std::fs::write(&html, vecu_report::to_html(&document))?;
    std::fs::write(out.join("report.md"), vecu_report::to_markdown(&document))?;
    std::fs::write(
        out.join("contributions.csv"),
        vecu_report::contributions_csv(&document.contributions),
    )?;
    println!(
        "   state {}, {} findings, {} text blocks",
        document.state,
        document.findings.len(),
        document.blocks.len()
    );
    println!("7. One report per hospital, released when the report was published");
    let hospitals = out.join("hospitals");
    let started = std::time::Instant::now();
    let sites = write_hospital_reports(&store, &wave, &hospitals)?;
    println!(
        "   {} hospital reports in {} in {:.1} s, each in its site's language ({}; French \
         otherwise; its own to each hospital key: vecu admin create-key --role hospital --site {})",
        sites.len(),
        hospitals.display(),
        started.elapsed().as_secs_f64(),
        SITE_LANGUAGES
            .map(|(site, lang)| format!("{site} {lang}"))
            .join(", "),
        sites.first().map_or("H01", String::as_str)
    );
    println!("8. The public results page, for patients");
    let public = write_public_pages(&document, &survey, &out.join("results"))?;
    let results = store.results_code(&wave)?;
    println!(
        "   in fr, de, it and en in {}; `vecu serve` shows it at /results/{results}, the \
         address on the letters and the thank-you page",
        out.join("results").display()
    );
    let first_site = hospitals.join(format!(
        "{}.html",
        sites.first().map_or("H01", String::as_str)
    ));
    println!("\nOpen in a browser:");
    println!(
        "  the report, co-written and published:  {}",
        html.display()
    );
    println!(
        "  a hospital's report:                   {}",
        first_site.display()
    );
    println!(
        "  the public results page:               {}",
        public.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes the public results page of the published report in each interface language, as
/// `<lang>.html` in `dir`, each linking to the others; returns the French one.
fn write_public_pages(
    document: &vecu_report::Document,
    survey: &Survey,
    dir: &Path,
) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let languages: Vec<vecu_report::PageLanguage> = ["fr", "de", "it", "en"]
        .into_iter()
        .map(|lang| vecu_report::PageLanguage {
            lang: lang.to_owned(),
            href: format!("{lang}.html"),
        })
        .collect();
    for language in &languages {
        let path = dir.join(&language.href);
        std::fs::write(
            &path,
            vecu_report::public_html(document, Some(survey), &language.lang, &languages),
        )
        .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(dir.join("fr.html"))
}

/// Sites of the demo whose hospital reports are not in French, the survey's first language.
const SITE_LANGUAGES: [(&str, &str); 2] = [("H03", "de"), ("H07", "it")];

/// Writes each site's hospital report in its language (French but for [`SITE_LANGUAGES`]),
/// from the results released when the report was published, as `<site>.html` in `dir`;
/// returns the sites.
fn write_hospital_reports(store: &Store, wave: &str, dir: &Path) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (site, lang) in SITE_LANGUAGES {
        store.set_site_language(site, Some(lang))?;
    }
    let sites = store.released_sites(wave)?;
    for site in &sites {
        let html = vecu_collect::site_report(store, wave, site, None)?;
        let path = dir.join(format!("{site}.html"));
        std::fs::write(&path, html).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(sites)
}

/// Creates and opens the wave with its sample frame; returns its id.
fn field_patients(
    store: &Store,
    survey: &Survey,
    patients: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<String> {
    let hash = store.add_survey(survey, CANCER_SURVEY)?;
    let wave = store.create_wave(&hash, "SCAPE — démonstration")?;
    let mut csv = String::from("email,language");
    for variable in &survey.frame {
        csv.push(',');
        csv.push_str(variable.id.as_str());
    }
    let languages: Vec<f64> = LANGUAGES.iter().map(|(_, share)| *share).collect();
    let (mut index, mut kept) = (0, 0);
    while kept < patients {
        index += 1;
        // The site is index mod 8, so the demo knows each invitation's site from its address.
        let site = index % SITE_SIZES.len();
        let values: Vec<String> = survey
            .frame
            .iter()
            .map(|variable| {
                let level = if variable.comparison_unit {
                    site
                } else {
                    let weights: Vec<f64> = (0..variable.values.len())
                        .map(|i| 1.0 + (i % 3) as f64 * 0.5)
                        .collect();
                    pick(rng, &weights)
                };
                variable.values[level.min(variable.values.len() - 1)]
                    .code
                    .to_string()
            })
            .collect();
        // Bigger sites get more patients: keep a patient with their site's relative size.
        if rng.random::<f64>() > SITE_SIZES[site] / 1.6 {
            continue;
        }
        kept += 1;
        let language = LANGUAGES[pick(rng, &languages)].0;
        csv.push_str(&format!(
            "\npatient-{index}@example.invalid,{language},{}",
            values.join(",")
        ));
    }
    store.import_frame(&wave, csv.as_bytes())?;
    store.open_wave(&wave)?;
    Ok(wave)
}

/// Submits simulated answers for a share of the invitations (each site its own response
/// propensity); a simulated response of the invitation's site is used, so site differences in
/// the simulation carry into the data. Returns how many answered.
fn answer(
    store: &Store,
    survey: &Survey,
    issued: &[vecu_store::IssuedToken],
    site_of: impl Fn(&str) -> Option<usize>,
    propensity: impl Fn(usize) -> f64,
    seed: u64,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<usize> {
    let mut simulator = Simulator::new(survey, seed);
    let mut waiting: HashMap<String, Vec<vecu_survey::SimulatedResponse>> = HashMap::new();
    let unit = survey.comparison_unit();
    let site_codes: Vec<String> = unit
        .map(|unit| unit.values.iter().map(|v| v.code.to_string()).collect())
        .unwrap_or_default();
    let mut answered = 0;
    for token in issued {
        let site = site_of(&token.invitation).unwrap_or_default();
        if rng.random::<f64>() > propensity(site) {
            continue;
        }
        let code = site_codes.get(site).cloned().unwrap_or_default();
        let response = loop {
            if let Some(response) = waiting.get_mut(&code).and_then(Vec::pop) {
                break response;
            }
            let Some(next) = simulator.next() else {
                anyhow::bail!("the simulator stopped")
            };
            let next_site = next
                .frame
                .iter()
                .find(|(id, _)| unit.is_some_and(|unit| &unit.id == *id))
                .map(|(_, value)| value.to_string())
                .unwrap_or_default();
            waiting.entry(next_site).or_default().push(next);
        };
        let mut answers = response.answers;
        demo_comment(&mut answers, rng);
        let validated = survey
            .validate_answers(answers)
            .map_err(|errors| anyhow::anyhow!("a simulated response is invalid: {errors}"))?;
        store.submit(&token.invitation, &validated, Mode::WebLink)?;
        answered += 1;
    }
    Ok(answered)
}

/// A wave of the engagement questionnaire answered by 12 patient partners; returns its id.
fn engagement_wave(store: &Store, seed: u64, rng: &mut ChaCha8Rng) -> anyhow::Result<String> {
    let survey =
        vecu_survey::load_str(ENGAGEMENT_SURVEY).context("the engagement questionnaire")?;
    let hash = store.add_survey(&survey, ENGAGEMENT_SURVEY)?;
    let wave = store.create_wave(&hash, "Engagement des patients partenaires")?;
    let mut csv = String::from("email,language,site,involvement_length");
    for index in 0..12 {
        let project = ["P01", "P02", "P03"][index % 3];
        let length = ["lt1", "1-2", "3+"][index % 3];
        csv.push_str(&format!(
            "\npartner-{index}@example.invalid,fr,{project},{length}"
        ));
    }
    store.import_frame(&wave, csv.as_bytes())?;
    store.open_wave(&wave)?;
    let issued = store.issue_tokens(&wave)?;
    let answered = answer(
        store,
        &survey,
        &issued[..11.min(issued.len())],
        |_| Some(0),
        |_| 1.0,
        seed + 1,
        rng,
    )?;
    store.close_wave(&wave)?;
    println!("   {answered} of 12 partners answered");
    Ok(wave)
}

/// Two researchers and two partners write, comment, mark, approve and publish.
fn co_write(store: &Store, wave: &str, engagement: &str) -> anyhow::Result<String> {
    let person =
        |name: &str, role| -> anyhow::Result<ApiKey> { Ok(store.create_api_key(name, role)?.0) };
    let lea = person("Dr Léa Martin", Role::Researcher)?;
    let jonas = person("Dr Jonas Weber", Role::Researcher)?;
    let marie = person("Marie Dubois", Role::PatientPartner)?;
    let paolo = person("Paolo Rossi", Role::PatientPartner)?;

    // Co-design, before fielding: a partner's comment on an item, answered and resolved.
    let hash = store.wave(wave)?.survey_hash;
    let comment = store.comment_item(
        &marie,
        &hash,
        "diagnosis_words",
        "« Avec des mots que vous pouviez comprendre » : ajouter « ou vos proches » ?",
    )?;
    store.answer_item_comment(
        &lea,
        &comment,
        "Gardé tel quel pour comparer avec la vague précédente ; noté pour la prochaine version.",
        true,
    )?;

    co_design(store, &hash, (&lea, &jonas), (&marie, &paolo))?;
    let (comments, quotes) = code_comments(store, wave, &lea, &marie)?;
    println!(
        "   {comments} patients' comments coded by a researcher and a partner, {quotes} quotes approved by both"
    );

    let settings = ReportSettings {
        title: "Expériences des patients atteints de cancer — rapport de démonstration".to_owned(),
        lang: "fr".to_owned(),
        threshold: 10,
        required_researchers: 1,
        required_partners: 1,
        engagement_wave: Some(engagement.to_owned()),
    };
    let report = vecu_collect::create_report(store, &lea, wave, &settings)?;
    let findings: Vec<vecu_report::Finding> =
        serde_json::from_str(&store.report(&report)?.findings_json)?;
    let first_of = |kind: vecu_report::FindingKind| {
        findings
            .iter()
            .find(|f| f.kind == kind)
            .map(|f| f.id.clone())
    };
    let domain = first_of(vecu_report::FindingKind::Domain).unwrap_or_else(|| "summary".to_owned());
    let item = findings
        .iter()
        .find(|f| f.id == "item:diagnosis_words")
        .or_else(|| {
            findings
                .iter()
                .find(|f| f.kind == vecu_report::FindingKind::Item)
        })
        .map(|f| f.id.clone())
        .unwrap_or_else(|| "summary".to_owned());

    let interpretation = store.add_block(&lea, &report, &item, "interpretation",
        "Moins de la moitié des personnes disent avoir compris l'annonce du diagnostic. Les écarts entre sites restent après ajustement selon l'âge, le sexe et le type de cancer.")?;
    store.add_block(&marie, &report, &item, "for_patients",
        "Le jour de l'annonce, on n'entend qu'un mot : cancer. Ce qui suit doit être redit, écrit, et repris avec un proche.")?;
    store.comment(
        &marie,
        &report,
        &interpretation,
        "Peut-on dire combien de personnes cela représente, en nombre ?",
    )?;
    store.comment(
        &lea,
        &report,
        &interpretation,
        "Oui : le nombre de répondants est dans le tableau de chiffres.",
    )?;
    store.add_block(&paolo, &report, &item, "action",
        "Proposer un second rendez-vous, une semaine après l'annonce, avec l'infirmière de référence.")?;
    store.add_block(&jonas, &report, &domain, "interpretation",
        "Le score du domaine résume plusieurs questions ; les résultats pondérés sur l'échantillon invité sont proches des résultats bruts.")?;
    store.add_block(&marie, &report, "summary", "summary",
        "Nous avons demandé à des patients comment se sont passés leurs soins. La plupart sont contents. Beaucoup n'ont pas bien compris l'annonce de leur maladie. Nous demandons aux hôpitaux de prendre plus de temps pour expliquer.")?;
    for (partner, ranking) in [(&marie, [&item, &domain]), (&paolo, [&domain, &item])] {
        for (rank, finding) in ranking.iter().enumerate() {
            store.mark_finding(partner, &report, finding, true, Some(rank as i32 + 1))?;
        }
    }
    let ledger = [
        (&marie, "questionnaire_co_design", 360, "2026-03-12"),
        (&paolo, "questionnaire_co_design", 300, "2026-03-12"),
        (&marie, "analysis_review", 180, "2026-10-05"),
        (&paolo, "meeting", 120, "2026-10-05"),
        (&marie, "writing", 150, "2026-11-02"),
        (&lea, "writing", 600, "2026-11-02"),
    ];
    for (who, activity, minutes, date) in ledger {
        store.record_contribution(
            &lea,
            &Contribution {
                id: String::new(),
                wave: wave.to_owned(),
                person: who.name.clone(),
                role: who.role.as_str().to_owned(),
                activity: activity.to_owned(),
                minutes,
                on_date: date.to_owned(),
                recorded_by: String::new(),
            },
        )?;
    }
    store.submit_report(&lea, &report)?;
    store.approve_report(&lea, &report)?;
    store.approve_report(&marie, &report)?;
    // Publishing releases each site's results too, for its hospital report.
    let started = std::time::Instant::now();
    let sites = vecu_collect::publish_report(store, &lea, &report)?;
    println!(
        "   published; the results of {} sites released with it in {:.1} s",
        sites.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(report)
}

/// The co-design history of the fielded version: a partner's rewording, discussed and accepted
/// (the next version, 1.1, is stored for the next wave), and a partner's help text, declined
/// with the reason. Both credit their authors in the wave's contributions ledger.
fn co_design(
    store: &Store,
    hash: &str,
    (lea, jonas): (&ApiKey, &ApiKey),
    (marie, paolo): (&ApiKey, &ApiKey),
) -> anyhow::Result<()> {
    let texts = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(lang, text)| ((*lang).to_owned(), (*text).to_owned()))
            .collect()
    };
    let reworded = store.propose(
        paolo,
        hash,
        "diagnosis_words",
        &ItemChange::Reword {
            text: texts(&[
                ("fr", "Le diagnostic vous a-t-il été expliqué, à vous ou à vos proches, avec des mots que vous pouviez comprendre ?"),
                ("de", "Wurde Ihnen oder Ihren Angehörigen die Diagnose in Worten erklärt, die Sie verstehen konnten?"),
            ]),
        },
        "Souvent, c'est un proche qui entend l'explication : la question doit l'inclure.",
    )?;
    store.comment_proposal(
        lea,
        &reworded,
        "D'accord pour la prochaine vague ; la série reste comparable (les codes ne changent pas).",
    )?;
    let new_version = store
        .decide_proposal(
            lea,
            &reworded,
            Decision::Accept,
            "Accepté : plus juste pour les personnes accompagnées ; la série reste comparable.",
        )?
        .unwrap_or_default();
    let help = store.propose(
        marie,
        hash,
        "ward_privacy",
        &ItemChange::Help {
            help: texts(&[
                ("fr", "Par exemple : un rideau tiré, une porte fermée, personne d'autre dans la pièce."),
                ("de", "Zum Beispiel: ein zugezogener Vorhang, eine geschlossene Tür, niemand sonst im Raum."),
                ("it", "Per esempio: una tenda tirata, una porta chiusa, nessun altro nella stanza."),
                ("en", "For example: a curtain drawn, a door closed, nobody else in the room."),
            ]),
        },
        "Des exemples aideraient à répondre.",
    )?;
    store.decide_proposal(
        jonas,
        &help,
        Decision::Decline,
        "Refusé pour cette version : les exemples orientent les réponses (une porte fermée ne suffit pas toujours) ; à retravailler avec le groupe des partenaires.",
    )?;
    println!(
        "   co-design: one proposal accepted (version {} stored for the next wave), one declined",
        store.survey(&new_version)?.version
    );
    Ok(())
}

/// Puts one of the demo's invented comments in place of the simulator's placeholder texts:
/// each free-text answer the simulator gave becomes a comment of the same question.
fn demo_comment(answers: &mut vecu_survey::Answers, rng: &mut ChaCha8Rng) {
    for question in ["comments_good", "comments_improve"] {
        let Some(id) = vecu_survey::Id::parse(question) else {
            continue;
        };
        if answers.get(&id).is_none() {
            continue;
        }
        let bank: Vec<&DemoComment> = COMMENTS.iter().filter(|c| c.1 == question).collect();
        if let Some(comment) = bank.get(rng.random_range(0..bank.len().max(1))) {
            answers.insert(id, vecu_survey::Answer::Text(comment.2.to_owned()));
        }
    }
}

/// The closed wave's comments coded as a researcher and a partner would: both code every
/// comment from the demo bank's themes, the partner sometimes seeing one more theme (a
/// disagreement, settled after discussion for the first few); three quotes approved by both.
fn code_comments(
    store: &Store,
    wave: &str,
    lea: &ApiKey,
    marie: &ApiKey,
) -> anyhow::Result<(usize, usize)> {
    let frame = vecu_survey::CodingFrame::cancer()?;
    let opened = store.open_comments(lea, wave, &frame)?;
    let comments = store.comments_to_code(lea, wave)?;
    let mut settled = 0;
    let mut quoted = Vec::new();
    for (n, comment) in comments.iter().enumerate() {
        let Some(known) = COMMENTS.iter().find(|c| c.2 == comment.text) else {
            continue;
        };
        let themes: Vec<String> = known.3.iter().map(|t| (*t).to_owned()).collect();
        store.code_comment(lea, &comment.id, &themes, known.4)?;
        let mut partner = themes.clone();
        if n % 9 == 4 && !partner.iter().any(|t| t == "emotional_support") {
            partner.push("emotional_support".to_owned());
        }
        store.code_comment(marie, &comment.id, &partner, known.4)?;
        if partner != themes && settled < 3 {
            store.settle_comment(
                marie,
                &comment.id,
                (&themes, known.4),
                "Discuté en réunion : la peur est présente, mais le commentaire parle d'abord de ce qui est nommé.",
            )?;
            settled += 1;
        }
        if quoted.len() < 3 && !quoted.contains(&known.2) {
            let quote = store.propose_quote(marie, &comment.id, (known.2, known.0))?;
            store.approve_quote(marie, &quote)?;
            store.approve_quote(lea, &quote)?;
            quoted.push(known.2);
        }
    }
    Ok((opened, quoted.len()))
}
