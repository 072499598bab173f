//! The report as one self-contained HTML file (inline SVG charts, a print stylesheet for PDF via
//! the browser, accessible headings, tables and chart descriptions) and as Markdown.

use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::document::{ContributionLine, Document, TextBlock};
use crate::finding::{Finding, FindingKind};
use crate::public::{answered_sentence, PUBLIC_HIGHLIGHTS};
use crate::public_words::{self, Word};
use crate::words::{phrase, role_name, Phrase};

const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; line-height: 1.55; color: #1d1d1d;
  max-width: 62rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; font-size: 1.05rem; }
h1 { font-size: 1.9rem; margin-bottom: .25rem; }
h2 { font-size: 1.45rem; margin-top: 2.5rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.15rem; margin-bottom: .25rem; }
.state { display: inline-block; padding: .15rem .6rem; border: 2px solid #D55E00; color: #8a3b00;
  font-weight: bold; }
/* Each item keeps its number inside its own column (the list's padding would only shift the
   first column), never splits across columns, and one column is used below two 20rem columns. */
nav ol { columns: 2 20rem; column-gap: 2.5rem; padding-left: 0; }
nav li { margin-left: 2.8em; break-inside: avoid; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .95rem; color: #444; }
table { border-collapse: collapse; margin: .75rem 0; }
th, td { text-align: left; padding: .3rem .7rem; border-bottom: 1px solid #ccc; vertical-align: top; }
.block { border-left: 5px solid #0072B2; padding: .25rem 1rem; margin: 1rem 0; background: #f6f9fc; }
.block.patient_partner { border-left-color: #009E73; background: #f3faf7; }
.byline, .comment { font-size: .92rem; color: #444; }
.draft { font-style: italic; }
.suppressed { color: #555; }
a { color: #005a8c; }
a:focus, a:hover { outline: 3px solid #E69F00; }
.lead { font-size: 1.2rem; }
.scores li { margin: .35rem 0; }
.question h3 { margin-top: 1.75rem; }
table.appendix { font-size: .85rem; }
table.appendix th[scope=row] { font-weight: normal; width: 34%; }
table.appendix .interval { display: block; font-size: .85em; color: #444; }
@media print {
  .no-print { display: none; }
  body { max-width: none; font-size: 11pt; }
  figure, .block, .question { break-inside: avoid; }
  table:not(.appendix), table.appendix tr { break-inside: avoid; }
  table.appendix { font-size: 8.5pt; }
  h2, h3 { break-after: avoid; }
  /* One page: a smaller type and links that read as text. */
  h1 { font-size: 18pt; margin-top: 0; }
  .first-page { font-size: 10pt; }
  .first-page .lead { font-size: 12pt; }
  .first-page h2 { margin-top: 1rem; }
  .first-page h3 { margin: .9rem 0 .3rem; }
  .first-page .scores li { margin: .1rem 0; }
  /* A section's heading, description and chart stay on one page. */
  .lead-in { break-inside: avoid; }
  .first-page a { color: inherit; text-decoration: none; }
  /* The first page stands alone; the appendix starts on a page of its own. */
  .first-page { break-after: page; }
  #appendix { break-before: page; }
}
"#;

/// The head of a standalone report page: its title and the stylesheet, with `extra_style`.
pub(crate) fn head(title: &str, extra_style: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) }
            style { (PreEscaped(STYLE)) (PreEscaped(extra_style)) }
        }
    }
}

/// The report as a standalone HTML document, in the order its readers need it: a first page a
/// patient can read (how many answered, the co-authors' plain-language summary, what goes well
/// and what most needs work), the contents, the partners' priorities, response rates, one
/// section per domain with its chart, sites outside the expected range, then each question in
/// an appendix (figures and texts, no chart) and the methods.
pub fn to_html(document: &Document) -> String {
    let lang = document.lang.as_str();
    let say = |which| phrase(lang, which);
    let published = document.state == "published";
    let (main_findings, questions) = parts(document);
    let markup = html! {
        (DOCTYPE)
        html lang=(lang) {
            (head(&document.title, ""))
            body {
                header {
                    h1 { (document.title) }
                    @if !published {
                        p class="state" { (say(Phrase::DraftNotice)) " " (say(Phrase::State)) ": " (document.state) }
                    }
                }
                main {
                    (first_page(lang, document))
                    nav aria-label=(say(Phrase::Contents)) {
                        h2 { (say(Phrase::Contents)) }
                        ol {
                            li { a href="#summary" { (say(Phrase::AtAGlance)) } }
                            li { a href="#priorities" { (say(Phrase::Priorities)) } }
                            @for finding in &main_findings {
                                li { a href=(format!("#{}", anchor(&finding.id))) { (finding.title) } }
                            }
                            @if !questions.is_empty() {
                                li { a href="#appendix" { (say(Phrase::Appendix)) } }
                            }
                            li { a href="#methods" { (say(Phrase::Methods)) } }
                            li { a href="#acknowledgements" { (say(Phrase::Acknowledgements)) } }
                        }
                    }
                    section id="priorities" {
                        h2 { (say(Phrase::Priorities)) }
                        @let ranked = document.priorities();
                        @if ranked.is_empty() { p { (say(Phrase::NoPriorities)) } }
                        ol {
                            @for (finding, names) in ranked {
                                li {
                                    a href=(format!("#{}", anchor(&finding.id))) { (finding.title) }
                                    " — " (say(Phrase::MarkedImportant)) " " (names.join(", "))
                                }
                            }
                        }
                    }
                    @for finding in &main_findings { (finding_html(lang, document, finding)) }
                    @if !questions.is_empty() { (appendix_html(lang, document, &questions)) }
                    (methods_html(lang, document))
                    (acknowledgements_html(lang, document))
                }
            }
        }
    };
    markup.into_string()
}

/// The findings of the report's body (response rates, domains, sites outside the expected
/// range) and those of the appendix (each question), each in its stored order.
fn parts(document: &Document) -> (Vec<&Finding>, Vec<&Finding>) {
    document
        .findings
        .iter()
        .partition(|finding| finding.kind != FindingKind::Item)
}

/// The first page: how many answered, the plain-language summary, what goes well and what
/// most needs work.
fn first_page(lang: &str, document: &Document) -> Markup {
    let say = |which| phrase(lang, which);
    let summary: Vec<&TextBlock> = document
        .blocks
        .iter()
        .filter(|b| b.kind == "summary")
        .collect();
    let (best, worst) = document.best_and_worst(PUBLIC_HIGHLIGHTS);
    html! {
        section id="summary" class="first-page" {
            h2 { (say(Phrase::AtAGlance)) }
            p class="lead" { (answered_sentence(lang, &document.methods)) }
            h3 { (say(Phrase::Summary)) }
            @if summary.is_empty() { p { (say(Phrase::NoSummary)) } }
            @for block in summary { (block_html(lang, block)) }
            @for (heading, findings) in [(Word::GoesWell, best), (Word::NeedsWork, worst)] {
                @if !findings.is_empty() {
                    h3 { (public_words::say(lang, heading)) }
                    ol class="scores" {
                        @for finding in findings {
                            li {
                                a href=(format!("#{}", anchor(&finding.id))) { (finding.title) }
                                @if let Some(score) = finding.score { " — " strong { (format!("{score:.0} %")) } }
                            }
                        }
                    }
                }
            }
            p class="byline" { (public_words::say(lang, Word::PositiveShare)) }
        }
    }
}

fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn kind_title(lang: &str, kind: &str) -> &'static str {
    phrase(
        lang,
        match kind {
            "for_patients" => Phrase::ForPatients,
            "action" => Phrase::Action,
            "summary" => Phrase::Summary,
            _ => Phrase::Interpretation,
        },
    )
}

fn byline(lang: &str, author: &str, role: &str, date: &str) -> String {
    format!(
        "{} {author} ({}), {date}",
        phrase(lang, Phrase::By),
        role_name(lang, role)
    )
}

fn block_html(lang: &str, block: &TextBlock) -> Markup {
    html! {
        div class=(format!("block {}", block.role)) {
            // The summary section has its own heading.
            @if block.kind != "summary" { h3 { (kind_title(lang, &block.kind)) } }
            @for paragraph in block.text.split("\n\n") { p { (paragraph) } }
            p class="byline" {
                (byline(lang, &block.author, &block.role, &block.date))
                @if block.version > 1 { " · " (phrase(lang, Phrase::Version)) " " (block.version) }
            }
            @if !block.comments.is_empty() {
                // A plain list, not a disclosure widget: printed reports show the discussion too.
                h4 class="comment" { (phrase(lang, Phrase::Comments)) " (" (block.comments.len()) ")" }
                ul {
                    @for (author, role, date, text) in &block.comments {
                        li class="comment" { (text) " — " (byline(lang, author, role, date)) }
                    }
                }
            }
        }
    }
}

/// An SVG chart made accessible: a role and a name for screen readers.
pub fn accessible_svg(svg: &str, name: &str) -> String {
    let escaped = name
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    body.replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\""),
        1,
    )
}

fn finding_html(lang: &str, document: &Document, finding: &Finding) -> Markup {
    let blocks: Vec<&TextBlock> = document
        .blocks
        .iter()
        .filter(|b| b.finding == finding.id)
        .collect();
    // Co-authors read the research team's draft sentence while they write; readers of the
    // published report have the same figure in the table.
    let draft = blocks.is_empty() && document.state != "published";
    html! {
        section id=(anchor(&finding.id)) {
            div class="lead-in" {
                h2 { (finding.title) }
                @if !finding.description.is_empty() { p { (finding.description) } }
                // The chart is named for screen readers; its heading is the section's.
                @if let Some(svg) = &finding.chart_svg {
                    figure { (PreEscaped(accessible_svg(svg, &finding.title))) }
                }
            }
            table {
                thead { tr { th scope="col" { (phrase(lang, Phrase::Figure)) } th scope="col" { (phrase(lang, Phrase::Value)) } } }
                tbody {
                    @for figure in &finding.figures {
                        tr {
                            th scope="row" { (figure.label) }
                            @if figure.suppressed.is_empty() { td { (figure.value) } }
                            @else { td class="suppressed" { (figure.suppressed) } }
                        }
                    }
                }
            }
            @if draft {
                p class="draft" { (phrase(lang, Phrase::ResearchersDraft)) ": " (finding.draft) }
            }
            @for block in blocks { (block_html(lang, block)) }
        }
    }
}

/// The appendix: every question in one table, a column per figure (those a question lacks
/// left empty), then the co-authors' texts on questions. Each row is the anchor the first page
/// and the priorities link to.
fn appendix_html(lang: &str, document: &Document, questions: &[&Finding]) -> Markup {
    let mut labels: Vec<&str> = Vec::new();
    for figure in questions.iter().flat_map(|finding| &finding.figures) {
        if !labels.contains(&figure.label.as_str()) {
            labels.push(&figure.label);
        }
    }
    let texts: Vec<(&Finding, Vec<&TextBlock>)> = questions
        .iter()
        .map(|finding| {
            let blocks = document
                .blocks
                .iter()
                .filter(|b| b.finding == finding.id)
                .collect::<Vec<_>>();
            (*finding, blocks)
        })
        .filter(|(_, blocks)| !blocks.is_empty())
        .collect();
    html! {
        section id="appendix" {
            h2 { (phrase(lang, Phrase::Appendix)) }
            p { (phrase(lang, Phrase::AppendixIntro)) }
            table class="appendix" {
                thead {
                    tr {
                        th scope="col" { (phrase(lang, Phrase::Question)) }
                        @for label in &labels { th scope="col" { (label) } }
                    }
                }
                tbody {
                    @for finding in questions {
                        tr id=(anchor(&finding.id)) {
                            th scope="row" { (finding.title) }
                            @for label in &labels {
                                @match finding.figures.iter().find(|figure| figure.label == *label) {
                                    Some(figure) if figure.suppressed.is_empty() => td { (split_interval(&figure.value)) },
                                    Some(figure) => td class="suppressed" { (figure.suppressed) },
                                    None => td {},
                                }
                            }
                        }
                    }
                }
            }
            @for (finding, blocks) in texts {
                section class="question" {
                    h3 { (finding.title) }
                    @for block in blocks { (block_html(lang, block)) }
                }
            }
        }
    }
}

/// A figure with its interval on a line of its own: "70 %" over "(IC 95 % 68–72 %, n = 2084)",
/// so that narrow columns wrap between the two rather than inside the interval.
fn split_interval(value: &str) -> Markup {
    match value.split_once(" (") {
        Some((figure, rest)) => html! { (figure) " " span class="interval" { "(" (rest) } },
        None => html! { (value) },
    }
}

fn methods_html(lang: &str, document: &Document) -> Markup {
    let methods = &document.methods;
    let say = |which| phrase(lang, which);
    html! {
        section id="methods" {
            h2 { (say(Phrase::Methods)) }
            table {
                tbody {
                    tr { th scope="row" { (say(Phrase::Respondents)) } td { (methods.respondents) } }
                    @if let Some(invited) = methods.invited { tr { th scope="row" { (say(Phrase::Invited)) } td { (invited) } } }
                    @if let Some(rate) = methods.response_rate { tr { th scope="row" { (say(Phrase::ResponseRate)) } td { (format!("{rate:.1} %")) } } }
                    tr {
                        th scope="row" { (say(Phrase::Weighting)) }
                        td { @if methods.weighting.is_empty() { (say(Phrase::NoWeighting)) } @else { (methods.weighting) } }
                    }
                    tr {
                        th scope="row" { (say(Phrase::CaseMix)) }
                        td { @if methods.case_mix.is_empty() { (say(Phrase::NoWeighting)) } @else { (methods.case_mix.join(", ")) } }
                    }
                    @if !methods.comparison.is_empty() { tr { th scope="row" { (say(Phrase::FunnelLimits)) } td { (methods.comparison) } } }
                    tr { th scope="row" { (say(Phrase::Threshold)) } td { (methods.threshold) } }
                    tr {
                        th scope="row" { (say(Phrase::KAnonymity)) }
                        td { @if let Some(k) = methods.k { "k = " (k) } @else { (say(Phrase::AggregatesOnly)) } }
                    }
                }
            }
            @if let Some(engagement) = &methods.engagement {
                h3 { (say(Phrase::Engagement)) }
                p { (engagement) }
            }
            h3 { (say(Phrase::Approvals)) }
            ul {
                @for (name, role, date) in &document.approvals { li { (byline(lang, name, role, date)) } }
            }
        }
    }
}

fn acknowledgements_html(lang: &str, document: &Document) -> Markup {
    html! {
        section id="acknowledgements" {
            h2 { (phrase(lang, Phrase::Acknowledgements)) }
            ul {
                @for (person, role, minutes, activities) in document.contributors() {
                    li {
                        strong { (person) } " (" (role_name(lang, &role)) "): "
                        (activities.join(", ").replace('_', " "))
                        " — " (format!("{:.1}", f64::from(minutes) / 60.0)) " " (phrase(lang, Phrase::Hours))
                    }
                }
            }
        }
    }
}

/// The report as Markdown (charts are left to the HTML version).
pub fn to_markdown(document: &Document) -> String {
    let lang = document.lang.as_str();
    let say = |which| phrase(lang, which);
    let mut out = format!("# {}\n\n", document.title);
    if document.state != "published" {
        out += &format!(
            "> {} {}: {}\n\n",
            say(Phrase::DraftNotice),
            say(Phrase::State),
            document.state
        );
    }
    out += &format!("## {}\n\n", say(Phrase::AtAGlance));
    out += &format!("{}\n\n", answered_sentence(lang, &document.methods));
    let (best, worst) = document.best_and_worst(PUBLIC_HIGHLIGHTS);
    for (heading, findings) in [(Word::GoesWell, best), (Word::NeedsWork, worst)] {
        if findings.is_empty() {
            continue;
        }
        out += &format!("### {}\n\n", public_words::say(lang, heading));
        for (index, finding) in findings.iter().enumerate() {
            out += &format!(
                "{}. {} — {:.0} %\n",
                index + 1,
                finding.title,
                finding.score.unwrap_or_default()
            );
        }
        out += "\n";
    }
    out += &format!("### {}\n\n", say(Phrase::Summary));
    let summary: Vec<&TextBlock> = document
        .blocks
        .iter()
        .filter(|b| b.kind == "summary")
        .collect();
    if summary.is_empty() {
        out += &format!("{}\n\n", say(Phrase::NoSummary));
    }
    for block in summary {
        out += &block_markdown(lang, block);
    }
    out += &format!("## {}\n\n", say(Phrase::Priorities));
    for (index, (finding, names)) in document.priorities().iter().enumerate() {
        out += &format!(
            "{}. {} — {} {}\n",
            index + 1,
            finding.title,
            say(Phrase::MarkedImportant),
            names.join(", ")
        );
    }
    out += "\n";
    let (main_findings, questions) = parts(document);
    let appendix_heading = (!questions.is_empty()).then(|| {
        format!(
            "## {}\n\n{}\n\n",
            say(Phrase::Appendix),
            say(Phrase::AppendixIntro)
        )
    });
    let sections = main_findings
        .iter()
        .map(|finding| ("##", *finding, None))
        .chain(questions.iter().enumerate().map(|(index, finding)| {
            (
                "###",
                *finding,
                (index == 0).then(|| appendix_heading.clone()).flatten(),
            )
        }));
    for (level, finding, before) in sections {
        out += &before.unwrap_or_default();
        out += &format!("{level} {}\n\n", finding.title);
        if !finding.description.is_empty() {
            out += &format!("{}\n\n", finding.description);
        }
        out += &format!(
            "| {} | {} |\n| --- | --- |\n",
            say(Phrase::Figure),
            say(Phrase::Value)
        );
        for figure in &finding.figures {
            let value = if figure.suppressed.is_empty() {
                &figure.value
            } else {
                &figure.suppressed
            };
            out += &format!(
                "| {} | {} |\n",
                figure.label.replace('|', "/"),
                value.replace('|', "/")
            );
        }
        out += "\n";
        let blocks: Vec<&TextBlock> = document
            .blocks
            .iter()
            .filter(|b| b.finding == finding.id)
            .collect();
        if blocks.is_empty() && document.state != "published" {
            out += &format!("*{}: {}*\n\n", say(Phrase::ResearchersDraft), finding.draft);
        }
        for block in blocks {
            out += &block_markdown(lang, block);
        }
    }
    out += &format!("## {}\n\n", say(Phrase::Methods));
    let methods = &document.methods;
    out += &format!("- {}: {}\n", say(Phrase::Respondents), methods.respondents);
    if let Some(rate) = methods.response_rate {
        out += &format!("- {}: {rate:.1} %\n", say(Phrase::ResponseRate));
    }
    let weighting = if methods.weighting.is_empty() {
        say(Phrase::NoWeighting)
    } else {
        &methods.weighting
    };
    out += &format!("- {}: {weighting}\n", say(Phrase::Weighting));
    out += &format!(
        "- {}: {}\n",
        say(Phrase::CaseMix),
        methods.case_mix.join(", ")
    );
    if !methods.comparison.is_empty() {
        out += &format!("- {}: {}\n", say(Phrase::FunnelLimits), methods.comparison);
    }
    out += &format!("- {}: {}\n", say(Phrase::Threshold), methods.threshold);
    match methods.k {
        Some(k) => out += &format!("- {}: k = {k}\n", say(Phrase::KAnonymity)),
        None => {
            out += &format!(
                "- {}: {}\n",
                say(Phrase::KAnonymity),
                say(Phrase::AggregatesOnly)
            )
        }
    }
    if let Some(engagement) = &methods.engagement {
        out += &format!("\n### {}\n\n{engagement}\n", say(Phrase::Engagement));
    }
    out += &format!("\n## {}\n\n", say(Phrase::Acknowledgements));
    for (person, role, minutes, activities) in document.contributors() {
        out += &format!(
            "- **{person}** ({}): {} — {:.1} {}\n",
            role_name(lang, &role),
            activities.join(", ").replace('_', " "),
            f64::from(minutes) / 60.0,
            say(Phrase::Hours)
        );
    }
    out
}

fn block_markdown(lang: &str, block: &TextBlock) -> String {
    let mut out = format!(
        "### {}\n\n{}\n\n*{}",
        kind_title(lang, &block.kind),
        block.text,
        byline(lang, &block.author, &block.role, &block.date)
    );
    if block.version > 1 {
        out += &format!(" · {} {}", phrase(lang, Phrase::Version), block.version);
    }
    out += "*\n\n";
    for (author, role, date, text) in &block.comments {
        out += &format!("> {text} — {}\n", byline(lang, author, role, date));
    }
    out
}

/// The contributions ledger as CSV (for remuneration): `person,role,activity,minutes,date`.
pub fn contributions_csv(lines: &[ContributionLine]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to memory fails only on a serialisation bug; the header alone is then returned.
    let _ = writer.write_record(["person", "role", "activity", "minutes", "date"]);
    for line in lines {
        let minutes = line.minutes.to_string();
        // Names and activities are people's text: neutralised against spreadsheet formulas.
        let cells = [
            line.person.as_str(),
            line.role.as_str(),
            line.activity.as_str(),
            minutes.as_str(),
            line.date.as_str(),
        ]
        .map(vecu_survey::neutralise_csv_cell);
        let _ = writer.write_record(cells.iter().map(|cell| cell.as_bytes()));
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}
