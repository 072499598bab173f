//! The quote bank (issue 15): excerpts of patients' comments proposed for reports. A quote is
//! taken word for word from its comment, re-read by the scrubber at each approval, and shown in a
//! report only once a researcher and a patient partner both approved it and while its comment
//! is neither flagged nor withdrawn (DOMAIN.md §4: quotes are checked for identifying details and
//! approved).

use diesel::prelude::*;

use crate::access::{ApiKey, Role};
use crate::error::{Result, StoreError};
use crate::holders::Names;
use crate::reports::{actor, co_author};
use crate::schema::{comments, quotes};
use crate::scrub::scrub;
use crate::secret::random_id;
use crate::{audit, Store};

/// A quote and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Quote {
    /// Quote id.
    pub id: String,
    /// The comment it is taken from.
    pub comment: String,
    /// The comment's site.
    pub site: String,
    /// The comment's question.
    pub item: String,
    /// The excerpt.
    pub text: String,
    /// Its language.
    pub lang: String,
    /// Who proposed it (their key's name).
    pub proposed_by: String,
    /// The approving researcher's name.
    pub researcher: Option<String>,
    /// The approving partner's name.
    pub partner: Option<String>,
}

impl Quote {
    /// Approved by both roles: a report may show it.
    pub fn approved(&self) -> bool {
        self.researcher.is_some() && self.partner.is_some()
    }
}

type QuoteRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl Store {
    /// Proposes an excerpt of a comment as a quote, in its language (`fr`, `de`...);
    /// researchers and partners. The excerpt must be the comment's own words (a part of it) and
    /// pass the scrubber unchanged.
    pub fn propose_quote(
        &self,
        by: &ApiKey,
        comment: &str,
        (excerpt, lang): (&str, &str),
    ) -> Result<String> {
        co_author(by)?;
        if vecu_survey::Lang::parse(lang).is_none() {
            return Err(StoreError::Incomplete(format!(
                "{lang:?} is not a language tag; say which language the quote is in (fr, de, it, en...)"
            )));
        }
        let excerpt = excerpt.trim();
        let mut connection = self.connection()?;
        let (text, flagged, review): (String, Option<String>, Option<String>) = comments::table
            .find(comment)
            .select((comments::text, comments::flagged_by_key, comments::review))
            .first(&mut connection)
            .optional()?
            .ok_or_else(|| StoreError::FindingNotFound(format!("comment {comment}")))?;
        if flagged.is_some() && review.as_deref() != Some("cleared") {
            return Err(StoreError::Incomplete(
                "this comment is flagged as possibly identifying: a researcher reviews it first"
                    .to_owned(),
            ));
        }
        if excerpt.is_empty() || !text.contains(excerpt) {
            return Err(StoreError::Incomplete(
                "a quote is the patient's own words: copy a part of the comment exactly".to_owned(),
            ));
        }
        still_clean(excerpt)?;
        let id = random_id();
        diesel::insert_into(quotes::table)
            .values((
                quotes::id.eq(&id),
                quotes::comment_id.eq(comment),
                quotes::text.eq(excerpt),
                quotes::lang.eq(lang),
                quotes::proposed_by_key.eq(&by.id),
            ))
            .execute(&mut connection)?;
        Ok(id)
    }

    /// Approves a quote for one's role (researcher or partner), after the scrubber read it again.
    pub fn approve_quote(&self, by: &ApiKey, quote: &str) -> Result<()> {
        co_author(by)?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let text: String = quotes::table
                .find(quote)
                .select(quotes::text)
                .first(connection)
                .optional()?
                .ok_or_else(|| StoreError::FindingNotFound(format!("quote {quote}")))?;
            still_clean(&text)?;
            let changed = match by.role {
                Role::PatientPartner => diesel::update(quotes::table.find(quote))
                    .set(quotes::partner_key.eq(&by.id))
                    .execute(connection)?,
                role if role.is_researcher() => diesel::update(quotes::table.find(quote))
                    .set(quotes::researcher_key.eq(&by.id))
                    .execute(connection)?,
                _ => 0,
            };
            if changed == 0 {
                return Err(StoreError::NotAllowed(
                    "researchers and patient partners approve quotes".to_owned(),
                ));
            }
            audit::record(connection, &actor(by), "quote_approved", None, quote)
        })
    }

    /// The wave's quotes: all of them for co-authors at work; `approved_only` gives what a
    /// report may show (both approvals, comment neither flagged nor withdrawn).
    pub fn quotes(&self, wave: &str, approved_only: bool) -> Result<Vec<Quote>> {
        self.require(Role::is_co_author, "read the quote bank")?;
        let mut connection = self.connection()?;
        let rows: Vec<QuoteRow> = quotes::table
            .inner_join(comments::table)
            .filter(comments::wave_id.eq(wave))
            .order(quotes::id)
            .select((
                quotes::id,
                quotes::comment_id,
                quotes::text,
                quotes::lang,
                quotes::proposed_by_key,
                quotes::researcher_key,
                quotes::partner_key,
                comments::site,
                comments::item_id,
                comments::flagged_by_key,
                comments::review,
            ))
            .load(&mut connection)?;
        let names = Names::of(
            &mut connection,
            rows.iter()
                .map(|row| &row.4)
                .chain(rows.iter().filter_map(|row| row.5.as_ref()))
                .chain(rows.iter().filter_map(|row| row.6.as_ref())),
        )?;
        Ok(rows
            .into_iter()
            .filter(|row| {
                let usable = row.9.is_none() || row.10.as_deref() == Some("cleared");
                let withdrawn = row.10.as_deref() == Some("withdrawn");
                !withdrawn && (!approved_only || (usable && row.5.is_some() && row.6.is_some()))
            })
            .map(|row| Quote {
                proposed_by: names.name(&row.4),
                researcher: row.5.as_deref().map(|key| names.name(key)),
                partner: row.6.as_deref().map(|key| names.name(key)),
                id: row.0,
                comment: row.1,
                text: row.2,
                lang: row.3,
                site: row.7,
                item: row.8,
            })
            .collect())
    }
}

/// Refuses a text the scrubber would change: it still holds something that may identify.
fn still_clean(text: &str) -> Result<()> {
    let (scrubbed, replaced) = scrub(text);
    if replaced > 0 {
        return Err(StoreError::Incomplete(format!(
            "the scrubber still finds something identifying in this quote (it would read: \
             {scrubbed:?}); choose another excerpt"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Approval re-reads the quote: what the scrubber would change is refused (a comment opened
    /// with an older scrubber, say).
    #[test]
    fn a_quote_the_scrubber_would_change_is_refused() {
        assert!(still_clean("Merci à toute l'équipe du 5e étage").is_ok());
        assert!(still_clean("Merci au [name], très gentil").is_ok());
        let refused = still_clean("Écrivez-moi à anna@example.ch").expect_err("refused");
        assert!(refused.to_string().contains("[email]"), "{refused}");
    }
}
