//! Patients' comments, coded by researchers and patient partners (issue 15, DOMAIN.md §4).
//!
//! The rules live here:
//! - a wave's comments exist only once it is closed: `open_comments` copies its free-text answers,
//!   scrubbed, with their site and question only, under ids drawn afresh, in random order (the
//!   rows are inserted shuffled and listed by their random id), so nothing links a comment to
//!   its response, to the patient's other answers or to an export;
//! - each coder's themes and tone are theirs; a coder sees another's codes of a comment only once
//!   they have coded it themselves and both a researcher and a partner have (blind double coding);
//! - a flagged comment (it may still identify someone) leaves every output — double-coded pairs,
//!   counts, quotes — until a researcher reviews it: cleared, it comes back; withdrawn, never;
//! - the coding frame is the wave's, and every edit of a theme is a new version (its history).

use std::collections::BTreeMap;

use diesel::prelude::*;
use rand::seq::SliceRandom;
use vecu_survey::{CodingFrame, ItemKind, Theme, TONES};

use crate::access::{ApiKey, Role};
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::holders::Names;
use crate::reports::{actor, co_author, refuse};
use crate::schema::{coding_themes, comment_codes, comment_settlements, comments, responses};
use crate::scrub::scrub;
use crate::secret::random_id;
use crate::surveys::stored_survey;
use crate::vault::{site_of, Frame};
use crate::wave::{require_status, site_variable};
use crate::{audit, calendar, Store};

/// One coder's reading of a comment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommentCode {
    /// The coder (their key's name).
    pub coder: String,
    /// Their role.
    pub role: String,
    /// Theme ids, sorted.
    pub themes: Vec<String>,
    /// One of [`TONES`].
    pub tone: String,
}

/// A comment as a coder sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CodedComment {
    /// Random id (drawn when the workspace was made).
    pub id: String,
    /// The site.
    pub site: String,
    /// The question.
    pub item: String,
    /// The comment, scrubbed.
    pub text: String,
    /// Flagged as possibly identifying and not reviewed yet.
    pub flagged: bool,
    /// The caller's own code.
    pub mine: Option<CommentCode>,
    /// The others' codes: empty until the caller coded it and both roles have.
    pub others: Vec<CommentCode>,
}

/// A comment coded by a researcher and by a partner, for agreement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DoubleCoded {
    /// The comment's id.
    pub comment: String,
    /// Its site.
    pub site: String,
    /// Its question.
    pub item: String,
    /// The researcher's reading (the first researcher's, if several coded it).
    pub researcher: CommentCode,
    /// The partner's reading.
    pub partner: CommentCode,
}

impl DoubleCoded {
    /// Both gave the same themes and the same tone.
    pub fn agree(&self) -> bool {
        self.researcher.themes == self.partner.themes && self.researcher.tone == self.partner.tone
    }
}

/// The code a comment keeps: settled after discussion, or the one both its coders gave.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FinalCode {
    /// The comment's id.
    pub comment: String,
    /// Its site.
    pub site: String,
    /// Its question.
    pub item: String,
    /// Theme ids, sorted.
    pub themes: Vec<String>,
    /// Its tone.
    pub tone: String,
    /// Who settled it, when the coders disagreed.
    pub settled_by: Option<String>,
}

/// A version of a theme of the wave's coding frame.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ThemeVersion {
    /// The theme as it was.
    pub theme: Theme,
    /// 1 for the starting frame.
    pub version: i32,
    /// Its place in the frame.
    pub position: i32,
    /// Taken out of the frame in this version.
    pub retired: bool,
    /// Who changed it (their key's name; empty for the starting frame).
    pub changed_by: String,
    /// When.
    pub at: String,
}

type CodeRow = (String, String, String, String, String);
/// theme id, (version, position), theme JSON, retired, changed by, at.
type ThemeRow = (String, (i32, i32), String, i32, Option<String>, String);
/// id, site, item, text, flagged by, review.
type CommentRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn not_found(id: &str) -> StoreError {
    StoreError::FindingNotFound(format!("comment {id}"))
}

fn side(role: &str) -> Option<bool> {
    match role {
        "researcher" | "admin" => Some(true),
        "patient_partner" => Some(false),
        _ => None,
    }
}

impl Store {
    /// Makes a closed wave's comments workspace from its free-text answers and the starting
    /// coding frame; researchers only, once per wave. Returns the number of comments.
    pub fn open_comments(&self, by: &ApiKey, wave: &str, frame: &CodingFrame) -> Result<usize> {
        if !by.role.is_researcher() {
            return Err(refuse("researchers open a wave's comments for coding"));
        }
        frame
            .check()
            .map_err(|error| StoreError::Incomplete(error.to_string()))?;
        let mut connection = self.connection()?;
        let info = require_status(
            &mut connection,
            wave,
            &["closed"],
            "coding comments",
            "closed (comments are read only once fieldwork is over)",
        )?;
        let survey = stored_survey(&mut connection, &info.survey_hash)?;
        let text_items: Vec<String> = survey
            .sections
            .iter()
            .flat_map(|section| &section.items)
            .filter(|item| matches!(item.kind, ItemKind::Text(_)))
            .map(|item| item.id.to_string())
            .collect();
        let site_variable = site_variable(&survey).map(str::to_owned);
        connection.transaction(|connection| {
            let opened: i64 = coding_themes::table
                .filter(coding_themes::wave_id.eq(wave))
                .count()
                .get_result(connection)?;
            if opened > 0 {
                return Err(StoreError::Incomplete(
                    "this wave's comments are open for coding already".to_owned(),
                ));
            }
            let stored: Vec<(String, String)> = responses::table
                .filter(responses::wave_id.eq(wave))
                .select((responses::frame, responses::answers))
                .load(connection)?;
            let mut found = Vec::new();
            for (frame_json, answers_json) in &stored {
                let frame: Frame = serde_json::from_str(frame_json)
                    .map_err(|error| StoreError::Corrupt(format!("response frame: {error}")))?;
                let answers: serde_json::Value = serde_json::from_str(answers_json)
                    .map_err(|error| StoreError::Corrupt(format!("response answers: {error}")))?;
                let site = site_of(&frame, site_variable.as_deref());
                for item in &text_items {
                    if let Some(text) = answers[item.as_str()].as_str() {
                        let (clean, _) = scrub(text.trim());
                        if !clean.is_empty() {
                            found.push((site.clone(), item.clone(), clean));
                        }
                    }
                }
            }
            found.shuffle(&mut rand::rng());
            for (site, item, text) in &found {
                diesel::insert_into(comments::table)
                    .values((
                        comments::id.eq(random_id()),
                        comments::wave_id.eq(wave),
                        comments::site.eq(site),
                        comments::item_id.eq(item),
                        comments::text.eq(text),
                    ))
                    .execute(connection)?;
            }
            let now = calendar::now();
            for (position, theme) in (0..).zip(&frame.themes) {
                insert_theme(connection, wave, theme, (position, 1, false), (None, &now))?;
            }
            audit::record(connection, &actor(by), "comments_opened", Some(wave), "")?;
            Ok(found.len())
        })
    }

    /// The wave's coding frame as it is now (retired themes left out). Co-authors only.
    pub fn coding_frame(&self, wave: &str) -> Result<Vec<Theme>> {
        let mut latest: Vec<ThemeVersion> = self
            .theme_history(wave)?
            .into_iter()
            .fold(BTreeMap::new(), |mut latest, version| {
                latest.insert(version.theme.id.clone(), version);
                latest
            })
            .into_values()
            .filter(|version| !version.retired)
            .collect();
        latest.sort_by_key(|version| version.position);
        Ok(latest.into_iter().map(|version| version.theme).collect())
    }

    /// Every version of every theme of the wave's frame, oldest first. Co-authors only.
    pub fn theme_history(&self, wave: &str) -> Result<Vec<ThemeVersion>> {
        self.require(Role::is_co_author, "read the coding frame")?;
        let mut connection = self.connection()?;
        let rows: Vec<ThemeRow> = coding_themes::table
            .filter(coding_themes::wave_id.eq(wave))
            .order((
                coding_themes::at,
                coding_themes::position,
                coding_themes::version,
            ))
            .select((
                coding_themes::theme_id,
                (coding_themes::version, coding_themes::position),
                coding_themes::theme_json,
                coding_themes::retired,
                coding_themes::changed_by_key,
                coding_themes::at,
            ))
            .load(&mut connection)?;
        let names = Names::of(
            &mut connection,
            rows.iter().filter_map(|row| row.4.as_ref()),
        )?;
        rows.into_iter()
            .map(|(id, (version, position), json, retired, by, at)| {
                Ok(ThemeVersion {
                    position,
                    theme: serde_json::from_str(&json)
                        .map_err(|error| StoreError::Corrupt(format!("theme {id}: {error}")))?,
                    version,
                    retired: retired != 0,
                    changed_by: by.as_deref().map(|key| names.name(key)).unwrap_or_default(),
                    at,
                })
            })
            .collect()
    }

    /// Adds or changes a theme of the wave's frame (or retires it); researchers and partners.
    /// A change without description or examples keeps the earlier ones. Returns the new version.
    pub fn edit_theme(&self, by: &ApiKey, wave: &str, theme: &Theme, retire: bool) -> Result<i32> {
        co_author(by)?;
        theme
            .check(0)
            .map_err(|error| StoreError::Incomplete(error.to_string()))?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let opened: i64 = coding_themes::table
                .filter(coding_themes::wave_id.eq(wave))
                .count()
                .get_result(connection)?;
            if opened == 0 {
                return Err(StoreError::Incomplete(
                    "this wave's comments are not open for coding yet".to_owned(),
                ));
            }
            let last: Option<(i32, i32, String)> = coding_themes::table
                .filter(coding_themes::wave_id.eq(wave))
                .filter(coding_themes::theme_id.eq(&theme.id))
                .order(coding_themes::version.desc())
                .select((
                    coding_themes::version,
                    coding_themes::position,
                    coding_themes::theme_json,
                ))
                .first(connection)
                .optional()?;
            // A change that gives no description or examples keeps the earlier ones.
            let mut theme = theme.clone();
            if let Some((_, _, json)) = &last {
                let before: Theme = serde_json::from_str(json)
                    .map_err(|error| StoreError::Corrupt(format!("theme: {error}")))?;
                if theme.description.is_empty() {
                    theme.description = before.description;
                }
                if theme.examples.is_empty() {
                    theme.examples = before.examples;
                }
            }
            let (version, position) = match last {
                Some((version, position, _)) => (version + 1, position),
                None => {
                    let end: Option<i32> = coding_themes::table
                        .filter(coding_themes::wave_id.eq(wave))
                        .select(diesel::dsl::max(coding_themes::position))
                        .first(connection)?;
                    (1, end.map_or(0, |end| end + 1))
                }
            };
            insert_theme(
                connection,
                wave,
                &theme,
                (position, version, retire),
                (Some(&by.id), &calendar::now()),
            )?;
            Ok(version)
        })
    }

    /// The wave's comments in their random order, as `by` may see them (see the module).
    /// Withdrawn comments are left out; co-authors only.
    pub fn comments_to_code(&self, by: &ApiKey, wave: &str) -> Result<Vec<CodedComment>> {
        co_author(by)?;
        let mut connection = self.connection()?;
        let rows: Vec<CommentRow> = comments::table
            .filter(comments::wave_id.eq(wave))
            .order(comments::id)
            .select((
                comments::id,
                comments::site,
                comments::item_id,
                comments::text,
                comments::flagged_by_key,
                comments::review,
            ))
            .load(&mut connection)?;
        let ids: Vec<&String> = rows.iter().map(|row| &row.0).collect();
        let (codes, names) = codes_of(&mut connection, &ids)?;
        let mut out = Vec::new();
        for (id, site, item, text, flagged_by, review) in rows {
            if review.as_deref() == Some("withdrawn") {
                continue;
            }
            let here: Vec<&CodeRow> = codes.iter().filter(|code| code.0 == id).collect();
            let mine = here.iter().find(|code| code.1 == by.id);
            let both_roles = here.iter().any(|code| side(&code.2) == Some(true))
                && here.iter().any(|code| side(&code.2) == Some(false));
            let others = if mine.is_some() && both_roles {
                here.iter()
                    .filter(|code| code.1 != by.id)
                    .map(|code| to_code(code, &names))
                    .collect::<Result<Vec<_>>>()?
            } else {
                Vec::new()
            };
            out.push(CodedComment {
                mine: mine.map(|code| to_code(code, &names)).transpose()?,
                others,
                flagged: flagged_by.is_some() && review.is_none(),
                id,
                site,
                item,
                text,
            });
        }
        Ok(out)
    }

    /// Records (or replaces) the caller's themes and tone for a comment; researchers and
    /// partners. Themes must be in the wave's current frame.
    pub fn code_comment(
        &self,
        by: &ApiKey,
        comment: &str,
        themes: &[String],
        tone: &str,
    ) -> Result<()> {
        co_author(by)?;
        if side(by.role.as_str()).is_none() {
            return Err(refuse("researchers and patient partners code comments"));
        }
        let themes_json = checked_code(self, by, comment, themes, tone)?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            diesel::delete(
                comment_codes::table
                    .filter(comment_codes::comment_id.eq(comment))
                    .filter(comment_codes::coder_key.eq(&by.id)),
            )
            .execute(connection)?;
            diesel::insert_into(comment_codes::table)
                .values((
                    comment_codes::comment_id.eq(comment),
                    comment_codes::coder_key.eq(&by.id),
                    comment_codes::role.eq(by.role.as_str()),
                    comment_codes::themes.eq(&themes_json),
                    comment_codes::tone.eq(tone),
                    comment_codes::at.eq(calendar::now()),
                ))
                .execute(connection)?;
            Ok(())
        })
    }

    /// Flags a comment that may still identify someone: it leaves every output until a
    /// researcher reviews it. Researchers and partners.
    pub fn flag_comment(&self, by: &ApiKey, comment: &str, reason: &str) -> Result<()> {
        co_author(by)?;
        let changed = diesel::update(comments::table.find(comment))
            .set((
                comments::flagged_by_key.eq(&by.id),
                comments::flag_reason.eq(reason.trim()),
                comments::review.eq(None::<String>),
                comments::reviewed_by_key.eq(None::<String>),
            ))
            .execute(&mut self.connection()?)?;
        if changed == 0 {
            return Err(not_found(comment));
        }
        Ok(())
    }

    /// A researcher reviews a flagged comment: `keep` brings it back into the outputs,
    /// otherwise it is withdrawn for good.
    pub fn review_flag(&self, by: &ApiKey, comment: &str, keep: bool) -> Result<()> {
        if !by.role.is_researcher() {
            return Err(refuse("researchers review flagged comments"));
        }
        let changed = diesel::update(
            comments::table
                .find(comment)
                .filter(comments::flagged_by_key.is_not_null()),
        )
        .set((
            comments::review.eq(if keep { "cleared" } else { "withdrawn" }),
            comments::reviewed_by_key.eq(&by.id),
        ))
        .execute(&mut self.connection()?)?;
        if changed == 0 {
            return Err(StoreError::Incomplete(format!(
                "comment {comment} is not flagged; only flagged comments are reviewed"
            )));
        }
        Ok(())
    }

    /// The comments a researcher and a partner both coded, flagged ones left out (pending
    /// review or withdrawn), for agreement. Co-authors only.
    pub fn double_coded(&self, wave: &str) -> Result<Vec<DoubleCoded>> {
        self.require(Role::is_co_author, "read the coding")?;
        let mut connection = self.connection()?;
        double_coded_in(&mut connection, wave)
    }

    /// Settles a comment after its coders discussed it: the themes and tone it keeps, why, and
    /// who decided (a researcher or a partner; the store records which).
    pub fn settle_comment(
        &self,
        by: &ApiKey,
        comment: &str,
        (themes, tone): (&[String], &str),
        note: &str,
    ) -> Result<()> {
        co_author(by)?;
        if note.trim().is_empty() {
            return Err(StoreError::Incomplete(
                "say in a sentence what the discussion concluded".to_owned(),
            ));
        }
        let themes_json = checked_code(self, by, comment, themes, tone)?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            diesel::delete(comment_settlements::table.find(comment)).execute(connection)?;
            diesel::insert_into(comment_settlements::table)
                .values((
                    comment_settlements::comment_id.eq(comment),
                    comment_settlements::themes.eq(&themes_json),
                    comment_settlements::tone.eq(tone),
                    comment_settlements::note.eq(note.trim()),
                    comment_settlements::settled_by_key.eq(&by.id),
                    comment_settlements::at.eq(calendar::now()),
                ))
                .execute(connection)?;
            audit::record(connection, &actor(by), "comment_settled", None, comment)
        })
    }

    /// Double-coded comments whose coders disagree and that nobody settled yet: the page
    /// where they are discussed. Co-authors only.
    pub fn disagreements(&self, wave: &str) -> Result<Vec<DoubleCoded>> {
        self.require(Role::is_co_author, "read the coding")?;
        let mut connection = self.connection()?;
        let settled: Vec<String> = comment_settlements::table
            .select(comment_settlements::comment_id)
            .load(&mut connection)?;
        Ok(double_coded_in(&mut connection, wave)?
            .into_iter()
            .filter(|pair| !pair.agree() && !settled.contains(&pair.comment))
            .collect())
    }

    /// What each usable comment is coded as in the end: its settlement, or the code both its
    /// coders gave alike; comments still in disagreement, coded once, flagged or withdrawn are
    /// left out. Co-authors only.
    pub fn final_codes(&self, wave: &str) -> Result<Vec<FinalCode>> {
        self.require(Role::is_co_author, "read the coding")?;
        let mut connection = self.connection()?;
        let pairs = double_coded_in(&mut connection, wave)?;
        let settlements: Vec<(String, String, String, String)> = comment_settlements::table
            .inner_join(comments::table)
            .filter(comments::wave_id.eq(wave))
            .select((
                comment_settlements::comment_id,
                comment_settlements::themes,
                comment_settlements::tone,
                comment_settlements::settled_by_key,
            ))
            .load(&mut connection)?;
        let names = Names::of(&mut connection, settlements.iter().map(|row| &row.3))?;
        let mut out = Vec::new();
        for pair in pairs {
            let settled = settlements.iter().find(|row| row.0 == pair.comment);
            let (themes, tone, settled_by) = match settled {
                Some((_, themes, tone, by)) => (
                    serde_json::from_str(themes)
                        .map_err(|error| StoreError::Corrupt(format!("settlement: {error}")))?,
                    tone.clone(),
                    Some(names.name(by)),
                ),
                None if pair.agree() => (
                    pair.researcher.themes.clone(),
                    pair.researcher.tone.clone(),
                    None,
                ),
                None => continue,
            };
            out.push(FinalCode {
                comment: pair.comment,
                site: pair.site,
                item: pair.item,
                themes,
                tone,
                settled_by,
            });
        }
        Ok(out)
    }
}

/// The double-coded usable comments of a wave, in their random order.
fn double_coded_in(connection: &mut AnyConnection, wave: &str) -> Result<Vec<DoubleCoded>> {
    let usable: Vec<(String, String, String)> = comments::table
        .filter(comments::wave_id.eq(wave))
        .filter(
            comments::flagged_by_key
                .is_null()
                .or(comments::review.eq("cleared")),
        )
        .order(comments::id)
        .select((comments::id, comments::site, comments::item_id))
        .load(connection)?;
    let ids: Vec<&String> = usable.iter().map(|row| &row.0).collect();
    let (codes, names) = codes_of(connection, &ids)?;
    let mut pairs = Vec::new();
    for (id, site, item) in usable {
        let first_of = |researcher: bool| {
            codes
                .iter()
                .find(|code| code.0 == id && side(&code.2) == Some(researcher))
        };
        if let (Some(researcher), Some(partner)) = (first_of(true), first_of(false)) {
            pairs.push(DoubleCoded {
                researcher: to_code(researcher, &names)?,
                partner: to_code(partner, &names)?,
                comment: id,
                site,
                item,
            });
        }
    }
    Ok(pairs)
}

/// The themes of a code as stored (sorted, once each, JSON), after checking them against the
/// comment's frame and the tone against [`TONES`].
fn checked_code(
    store: &Store,
    by: &ApiKey,
    comment: &str,
    themes: &[String],
    tone: &str,
) -> Result<String> {
    if !TONES.contains(&tone) {
        return Err(StoreError::Incomplete(format!(
            "tone {tone:?} is not one of {}",
            TONES.join(", ")
        )));
    }
    let wave: String = comments::table
        .find(comment)
        .select(comments::wave_id)
        .first(&mut store.connection()?)
        .optional()?
        .ok_or_else(|| not_found(comment))?;
    let frame = store.acting_as(by).coding_frame(&wave)?;
    if let Some(unknown) = themes
        .iter()
        .find(|theme| !frame.iter().any(|known| &known.id == *theme))
    {
        return Err(StoreError::Incomplete(format!(
            "theme {unknown:?} is not in this wave's coding frame; add it to the frame first"
        )));
    }
    let mut sorted = themes.to_vec();
    sorted.sort();
    sorted.dedup();
    serde_json::to_string(&sorted).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Every code of these comments, oldest first, with their coders' names.
fn codes_of<T: AsRef<str>>(
    connection: &mut AnyConnection,
    ids: &[T],
) -> Result<(Vec<CodeRow>, Names)> {
    let ids: Vec<&str> = ids.iter().map(AsRef::as_ref).collect();
    let codes: Vec<CodeRow> = comment_codes::table
        .filter(comment_codes::comment_id.eq_any(&ids))
        .order((comment_codes::at, comment_codes::coder_key))
        .select((
            comment_codes::comment_id,
            comment_codes::coder_key,
            comment_codes::role,
            comment_codes::themes,
            comment_codes::tone,
        ))
        .load(connection)?;
    let names = Names::of(connection, codes.iter().map(|code| &code.1))?;
    Ok((codes, names))
}

fn to_code(row: &CodeRow, names: &Names) -> Result<CommentCode> {
    Ok(CommentCode {
        coder: names.name(&row.1),
        role: row.2.clone(),
        themes: serde_json::from_str(&row.3)
            .map_err(|error| StoreError::Corrupt(format!("comment code: {error}")))?,
        tone: row.4.clone(),
    })
}

fn insert_theme(
    connection: &mut AnyConnection,
    wave: &str,
    theme: &Theme,
    (position, version, retired): (i32, i32, bool),
    (by, at): (Option<&String>, &str),
) -> Result<()> {
    let json =
        serde_json::to_string(theme).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    diesel::insert_into(coding_themes::table)
        .values((
            coding_themes::wave_id.eq(wave),
            coding_themes::theme_id.eq(&theme.id),
            coding_themes::version.eq(version),
            coding_themes::theme_json.eq(&json),
            coding_themes::position.eq(position),
            coding_themes::retired.eq(i32::from(retired)),
            coding_themes::changed_by_key.eq(by),
            coding_themes::at.eq(at),
        ))
        .execute(connection)?;
    Ok(())
}
