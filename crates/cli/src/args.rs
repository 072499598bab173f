//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// vecu: patient-experience surveys, built with patient partners.
#[derive(Debug, Parser)]
#[command(name = "vecu", version, about)]
pub struct Args {
    /// Database: a SQLite file path, or a postgres:// URL [default: vecu.db].
    #[arg(long, global = true, env = "VECU_DATABASE_URL")]
    pub database: Option<String>,
    /// File holding the encryption key of contact data (32 bytes in base64), outside the
    /// database's folder. VECU_ENCRYPTION_KEY wins over it; without either, the database's key
    /// file under $XDG_CONFIG_HOME/vecu/keys/ (or ~/.config/vecu/keys/) is used, created by the
    /// first command that seals contact data.
    #[arg(long, global = true, env = "VECU_KEY_FILE")]
    pub key_file: Option<PathBuf>,
    /// How log lines are written to standard error: `text` (coloured only on a terminal) or
    /// `json` (one object per line, for log collectors).
    #[arg(long, global = true, env = "VECU_LOG_FORMAT", default_value = "text")]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// The format of log lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with survey definitions.
    #[command(subcommand)]
    Survey(SurveyCommand),
    /// Field survey waves: create, import the sample frame, open, follow, close.
    #[command(subcommand)]
    Wave(WaveCommand),
    /// Export a wave's responses as the wide table, k-anonymous, with codebook and report.
    Export(ExportArgs),
    /// Administration: API keys (create, list, revoke).
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Serve the patient pages (and, with --demo, a demonstration wave to try them).
    Serve(ServeArgs),
    /// Analyse responses: results table (CSV, Parquet, JSON) and charts (SVG, PNG).
    Analyse(AnalyseArgs),
    /// Reports co-authored with patient partners.
    #[command(subcommand)]
    Report(ReportCommand),
    /// The whole story on a new embedded database: a wave of invented patients across 8 sites,
    /// invitations to a local mailbox, simulated answers, analysis, and a report co-written
    /// with patient partners.
    Demo {
        /// Folder for everything the demo writes.
        #[arg(long)]
        out: PathBuf,
        /// Invented patients.
        #[arg(long, default_value_t = 5000)]
        patients: usize,
        /// Seed of the simulation.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Writes the wave's report (the latest co-written one, else a first draft from the
    /// analysis) as HTML, or as Markdown when OUT ends in .md.
    Build {
        #[arg(long)]
        wave: String,
        #[arg(long)]
        out: PathBuf,
        /// Language of a first draft (a stored report keeps its own) [default: fr].
        #[arg(long)]
        lang: Option<String>,
        /// Minimum respondents per figure, for a first draft.
        #[arg(long, default_value_t = 10)]
        threshold: u64,
        /// Also write the contributions ledger as CSV here.
        #[arg(long)]
        contributions: Option<PathBuf>,
    },
    /// Writes one hospital's report of a wave (its scores against all sites, where it stands,
    /// its best and weakest questions, priorities, change) as a self-contained HTML file.
    Site {
        #[arg(long)]
        wave: String,
        /// The site's code (a value of the unit of comparison).
        #[arg(long)]
        site: String,
        #[arg(long)]
        out: PathBuf,
        /// Language [default: the site's (`vecu report site-language`), else the survey's first].
        #[arg(long)]
        lang: Option<String>,
        /// Minimum respondents per figure (a site below it gets the benchmark only).
        #[arg(long, default_value_t = 10)]
        threshold: u64,
    },
    /// Releases every site's results of a wave to the store, where each hospital key reads its
    /// own (`GET /api/v1/waves/{wave}/sites/{site}/report`).
    ReleaseSites {
        #[arg(long)]
        wave: String,
        /// Minimum respondents per figure.
        #[arg(long, default_value_t = 10)]
        threshold: u64,
    },
    /// Sets the language a site's hospital report is written in when its reader asks for none
    /// (`vecu report site`, the API), or forgets it with `--clear`.
    SiteLanguage {
        /// The site's code.
        #[arg(long)]
        site: String,
        /// Language code (fr, de, it, en).
        #[arg(long, required_unless_present = "clear", conflicts_with = "clear")]
        lang: Option<String>,
        /// Forget the site's language: the survey's first language again.
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AnalyseArgs {
    /// Survey definition the responses were collected with (JSON).
    #[arg(long)]
    pub survey: PathBuf,
    /// Responses: the wide table from `vecu export` or `vecu survey simulate` (.csv or .parquet).
    #[arg(long)]
    pub responses: PathBuf,
    /// Invited patients per cell: one column per frame variable and an `invited` column (CSV).
    /// Adds estimates weighted to the invited sample, and response rates.
    #[arg(long)]
    pub frame_counts: Option<PathBuf>,
    /// Rake to each variable's invited margin instead of post-stratifying on every cell.
    #[arg(long, requires = "frame_counts")]
    pub rake: bool,
    /// Language of chart labels [default: the survey's first language].
    #[arg(long)]
    pub lang: Option<String>,
    /// Output folder (created if needed).
    #[arg(long)]
    pub out: PathBuf,
    /// Minimum respondents for a figure to be shown (10 inside the team, 30 for publication).
    #[arg(long, default_value_t = 10)]
    pub threshold: u64,
    /// Responses of an earlier wave of the same survey: adds the change in % positive. Repeat
    /// it for several waves, oldest first: changes since the first and the last, trends across
    /// all (from three waves) with their charts; waves are named by their file names.
    #[arg(long, value_name = "RESPONSES")]
    pub previous: Vec<PathBuf>,
    /// Survey definition of the earlier waves if another version: once for all, or once per
    /// --previous in the same order [default: --survey].
    #[arg(long, requires = "previous")]
    pub previous_survey: Vec<PathBuf>,
    /// Adjust site comparisons for the mode of response (web link, web code, paper) too.
    #[arg(long)]
    pub mode_case_mix: bool,
    /// Funnel limits: `random-effects` allow for real differences between sites (Spiegelhalter
    /// 2005), `multiplicative` widen chance limits by the over-dispersion factor, `plain` allow
    /// for chance alone (flag most sites of a real programme).
    #[arg(long, value_enum, default_value = "random-effects")]
    pub funnel: FunnelLimits,
    /// Write the tables only.
    #[arg(long)]
    pub no_charts: bool,
    /// A cell text meaning "not answered", besides an empty cell (repeat for several, e.g.
    /// --na -99 --na .) [default: NA, what R writes]. A column's own code is never missing.
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub na: Vec<String>,
    /// Columns the survey does not have to drop without a notice (comma-separated), e.g.
    /// --ignore-columns weight,import_id (an empty name is the unnamed column of R's row names);
    /// other such columns are set aside with a notice.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub ignore_columns: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an API key (printed once; only its hash is stored).
    CreateKey {
        /// admin, researcher, patient-partner, data-entry or hospital.
        #[arg(long)]
        role: String,
        /// Who holds it, for the audit log.
        #[arg(long, default_value = "unnamed")]
        name: String,
        /// A hospital key's site (a code of the unit of comparison); repeat it, or separate
        /// codes by commas, for a key that sees several sites. Hospital keys only.
        #[arg(long, value_name = "CODE", value_delimiter = ',')]
        site: Vec<String>,
    },
    /// List the API keys: id, name, role, created, revoked (never the keys).
    ListKeys,
    /// Revoke an API key by its id (from list-keys): refused from its next request on.
    RevokeKey {
        /// The key's id (not the key).
        id: String,
    },
    /// Write a consistent copy of the whole database to a new file (SQLite: VACUUM INTO, no
    /// erased row left in free pages; PostgreSQL: pg_dump's custom format, restore with
    /// pg_restore). The encryption key is not in it: keep the key apart from every backup.
    Backup {
        /// The backup file (must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Seal every contact, token, draft and keying again under a new encryption key, in batches
    /// (each a transaction). The old key is the database's key as every command finds it; the
    /// new one is read from --new-key-file, or made there when the file does not exist. Run it
    /// again after an interruption: it goes on where it stopped.
    RotateKey {
        /// The new key's file (made, 0600, when absent; never in the database's folder).
        #[arg(long)]
        new_key_file: std::path::PathBuf,
        /// Rows per transaction.
        #[arg(long, default_value_t = 500)]
        batch_rows: i64,
    },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Settings file (TOML); options and environment variables override it.
    #[arg(long, env = "VECU_CONFIG")]
    pub config: Option<std::path::PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "VECU_BIND")]
    pub bind: Option<String>,
    /// Mark the session cookie Secure (when served over HTTPS, directly or behind a proxy).
    #[arg(long, env = "VECU_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Behind a reverse proxy at this address (default 127.0.0.1; several separated by commas)
    /// that appends the client's address to X-Forwarded-For: requests from it are rate-limited
    /// by that address; the header is ignored on requests from anywhere else.
    /// `VECU_BEHIND_PROXY=true` (as before addresses could be given) means 127.0.0.1.
    #[arg(long, env = "VECU_BEHIND_PROXY", value_name = "PROXY", num_args = 0..=1,
        default_missing_value = "127.0.0.1", value_delimiter = ',', value_parser = proxy_address)]
    pub behind_proxy: Vec<std::net::IpAddr>,
    /// Where invitations and reminders go: smtp://host:25 (a relay without TLS),
    /// smtps://user@host:465 (TLS), smtp://user@host:587?tls=starttls (STARTTLS) or
    /// file:///directory (one .eml file per message). The SMTP password comes from
    /// VECU_SMTP_PASSWORD or the settings file's password_file, never from an option.
    #[arg(long, env = "VECU_MAIL_URL")]
    pub mail: Option<String>,
    /// SMTP user name (instead of user@ in the URL).
    #[arg(long, env = "VECU_SMTP_USERNAME")]
    pub mail_username: Option<String>,
    /// Sender of the mail, such as "SCAPE study <scape@hospital.example>" [default: vecu <vecu@localhost>].
    #[arg(long, env = "VECU_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Public address of the service, for the links in mail and on letters (default: http://BIND).
    #[arg(long, env = "VECU_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Create a demonstration wave of the shipped cancer survey with this many invented patients
    /// and print their personal links.
    #[arg(long, value_name = "PATIENTS", num_args = 0..=1, default_missing_value = "5")]
    pub demo: Option<usize>,
}

/// How funnel limits allow for differences between sites beyond chance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FunnelLimits {
    /// Chance alone.
    Plain,
    /// Chance times the over-dispersion factor.
    Multiplicative,
    /// Chance plus the spread of true site scores.
    RandomEffects,
}

impl From<FunnelLimits> for vecu_analysis::FunnelMethod {
    fn from(limits: FunnelLimits) -> Self {
        match limits {
            FunnelLimits::Plain => vecu_analysis::FunnelMethod::Plain,
            FunnelLimits::Multiplicative => vecu_analysis::FunnelMethod::Multiplicative,
            FunnelLimits::RandomEffects => vecu_analysis::FunnelMethod::RandomEffects,
        }
    }
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum WaveCommand {
    /// Store the survey (if new) and create a wave of it; prints the wave id.
    Create {
        /// Survey definition file (JSON).
        #[arg(long)]
        survey: PathBuf,
        /// A name for people ("SCAPE 2027").
        #[arg(long, default_value = "wave")]
        name: String,
        /// Key each paper return twice, blind, on the /entry pages: it is stored when both
        /// keyings agree, and a third person decides where they disagree.
        #[arg(long)]
        double_entry: bool,
    },
    /// Turn double data entry of paper returns on or off for a wave that is not closed.
    /// Questionnaires whose first keying is saved are finished the double way either way.
    DoubleEntry {
        #[arg(long)]
        wave: String,
        #[arg(value_enum)]
        setting: Switch,
    },
    /// Set the reminder schedule `vecu serve` follows for a wave that is not closed (reminders
    /// go out without anyone asking), or remove it with --off.
    Schedule {
        #[arg(long)]
        wave: String,
        /// Days after the last contact (the invitation or the previous reminder); 7 at least.
        #[arg(long, default_value_t = 14, conflicts_with = "off")]
        after_days: u32,
        /// Contacts in all, the invitation included: 2 or 3.
        #[arg(long, default_value_t = 3, conflicts_with = "off")]
        contacts: u32,
        /// Remove the schedule: reminders go out only when asked for.
        #[arg(long)]
        off: bool,
    },
    /// Import the sample frame (CSV: email, language, one column per frame variable).
    /// Seals the contacts with the encryption key (created on first use, see --key-file).
    ImportFrame {
        #[arg(long)]
        wave: String,
        file: PathBuf,
    },
    /// Open a wave for fieldwork.
    Open {
        #[arg(long)]
        wave: String,
    },
    /// Counts by site and status with response rates; every wave when --wave is left out.
    Status {
        #[arg(long)]
        wave: Option<String>,
    },
    /// Close a wave and erase its contact data, keeping counts per site and status.
    Close {
        #[arg(long)]
        wave: String,
    },
    /// Import a frame for letters (CSV: ref, language, one column per frame variable; no
    /// contact column) and write the letters for the hospital's mail merge: ref, language,
    /// access code, the address to type, a link carrying the code and a QR code (SVG files
    /// beside the CSV). The codes are shown only here. Seals the refs with the encryption key
    /// (created on first use, see --key-file).
    Codes {
        #[arg(long)]
        wave: String,
        /// The frame (CSV).
        frame: PathBuf,
        /// The letters (CSV); the QR codes go into a folder beside it (`NAME.qr/`).
        #[arg(long)]
        out: PathBuf,
        /// Public address of the service, printed on the letters [default: http://127.0.0.1:8080].
        #[arg(long, env = "VECU_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// List the refs of letters to remind (neither answered in any mode, nor opted out, nor
    /// closed by an outcome code), for the hospital's reminder mail-out.
    Reminders {
        #[arg(long)]
        wave: String,
        /// Output (CSV with one column, ref).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub wave: String,
    #[arg(long, value_enum)]
    pub format: Format,
    /// Output file; the codebook and the report are written beside it.
    #[arg(long)]
    pub out: PathBuf,
    /// Every combination of quasi-identifiers must be shared by at least k records.
    #[arg(long, default_value_t = 5)]
    pub k: usize,
    /// Group rare values into "other" (the site last), then leave out what is still too rare.
    #[arg(long, conflicts_with = "suppress")]
    pub generalise: bool,
    /// Leave out records whose combination is shared by fewer than k.
    #[arg(long)]
    pub suppress: bool,
    /// Include free-text answers, scrubbed (best effort; read them before sharing).
    #[arg(long)]
    pub free_text: bool,
    /// Language of the labels of sav, dta and the CSV's R script [default: the survey's first].
    #[arg(long)]
    pub lang: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ImportSource {
    /// A REDCap data dictionary (Project Setup > Data Dictionary, CSV).
    Redcap,
    /// A LimeSurvey survey structure file (Export > Survey structure, .lss).
    Limesurvey,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// The wide table as CSV, with an R script (`<name>.R`) that labels it with base R.
    Csv,
    Parquet,
    /// SPSS system file: variable and value labels, "don't know" codes declared missing.
    Sav,
    /// Stata 14+ dataset (format 118): variable and value labels.
    Dta,
    /// DDI Codebook 2.5 XML for a data archive, with the data as CSV beside it (`<name>.csv`).
    Ddi,
    /// FHIR R4 Bundle of QuestionnaireResponses matching `vecu survey fhir`'s Questionnaire.
    Fhir,
}

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Check survey definitions; exits 0 when all are valid, 1 with every problem otherwise.
    Check {
        /// Survey definition files (JSON).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Also report each text's translation status from the record beside the definition
        /// (`NAME.translations.json`); exits 1 when a text changed in one language after its
        /// translations were made or checked.
        #[arg(long)]
        translations: bool,
    },
    /// Record who translated the definition's current texts into a language, and who checked
    /// them, in the record beside it (`NAME.translations.json`; the definition is unchanged).
    Translations {
        /// The survey definition (JSON).
        file: PathBuf,
        /// The language translated (one of the survey's).
        #[arg(long)]
        lang: String,
        /// The language translated from.
        #[arg(long)]
        from: String,
        /// Who translated.
        #[arg(long)]
        translated_by: String,
        /// Who checked (omit when the translation is not checked yet).
        #[arg(long, requires = "method")]
        checked_by: Option<String>,
        /// How it was checked.
        #[arg(long, value_enum)]
        method: Option<CheckMethodArg>,
        /// The day of the work (YYYY-MM-DD) [default: today].
        #[arg(long)]
        on: Option<String>,
        /// Only these texts (paths as `survey check --translations` prints them); default: all.
        #[arg(long = "text")]
        texts: Vec<String>,
    },
    /// Make a definition from a REDCap data dictionary (CSV) or a LimeSurvey structure file
    /// (.lss): forms or groups become sections, fields
    /// questions, branching logic conditions where they map; what does not map is listed with
    /// its line and what to do. Exits 1 when the result does not pass `survey check` yet.
    Import {
        /// The tool the file comes from.
        #[arg(long, value_enum)]
        from: ImportSource,
        /// The data dictionary (CSV) or structure file (.lss).
        file: PathBuf,
        /// The definition to write (JSON).
        #[arg(long)]
        out: PathBuf,
        /// The survey's id [default: the file's name].
        #[arg(long)]
        id: Option<String>,
        /// The language of a REDCap dictionary's texts (a .lss names its own).
        #[arg(long, default_value = "en")]
        lang: String,
    },
    /// Print a readable outline: sections, items, answers and skip logic.
    Show {
        file: PathBuf,
        /// Language of the outline (default: the survey's first language).
        #[arg(long)]
        lang: Option<String>,
    },
    /// Print the differences between two versions, item by item: added, removed, moved,
    /// reworded per language, options, logic, domain. Exits 0 whether or not they differ.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// Print the differences as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the survey as an HL7 FHIR R4 Questionnaire resource (JSON).
    Fhir { file: PathBuf },
    /// Print the JSON codebook of the survey's wide response table.
    Codebook { file: PathBuf },
    /// Write N random, valid responses as a wide table (.csv or .parquet).
    Simulate {
        file: PathBuf,
        /// Number of responses.
        #[arg(long)]
        n: usize,
        /// Seed of the random generator: the same seed gives the same responses.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file; its extension (.csv or .parquet) chooses the format.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write the paper questionnaire (HTML with a print stylesheet; print it or make a PDF
    /// with a browser, such as `chromium --headless --print-to-pdf`).
    Print {
        file: PathBuf,
        /// Language [default: the survey's first language].
        #[arg(long)]
        lang: Option<String>,
        /// Large print.
        #[arg(long)]
        large: bool,
        /// Output file (.html).
        #[arg(long)]
        out: PathBuf,
    },
}

/// A trusted proxy's address; `true` (the older boolean setting) is this host.
fn proxy_address(text: &str) -> Result<std::net::IpAddr, String> {
    match text.trim() {
        "true" | "1" | "yes" => Ok(std::net::IpAddr::from([127, 0, 0, 1])),
        other => other.parse().map_err(|_| {
            format!(
                "{other:?} is not an IP address: give the reverse proxy's address (for example \
                 127.0.0.1 or 10.0.0.5,10.0.0.6), or leave the setting out when no proxy is in front"
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::proxy_address;

    #[test]
    fn the_proxy_setting_takes_addresses_and_the_older_true() {
        assert_eq!(
            proxy_address("true").map(|ip| ip.to_string()).as_deref(),
            Ok("127.0.0.1")
        );
        assert_eq!(
            proxy_address(" 10.0.0.5 ")
                .map(|ip| ip.to_string())
                .as_deref(),
            Ok("10.0.0.5")
        );
        let refused = proxy_address("proxy.example").expect_err("not an address");
        assert!(refused.contains("not an IP address"), "{refused}");
    }
}

/// How a translation was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckMethodArg {
    /// A second translator reviewed it against the source.
    ForwardReview,
    /// Translated back blind and compared with the source.
    BackTranslation,
}
