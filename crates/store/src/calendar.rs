//! Dates: days for the identity vault and administration, ISO weeks for responses.

use chrono::{Datelike, Days, NaiveDate, Utc};

/// Today (UTC) as `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    Utc::now().date_naive().format("%Y-%m-%d").to_string()
}

/// The date `days` from today, as `YYYY-MM-DD`.
pub(crate) fn in_days(days: u32) -> String {
    let date = Utc::now().date_naive();
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(date)
        .format("%Y-%m-%d")
        .to_string()
}

/// The date `days` before today, as `YYYY-MM-DD`.
pub(crate) fn days_ago(days: u32) -> String {
    let date = Utc::now().date_naive();
    date.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(date)
        .format("%Y-%m-%d")
        .to_string()
}

/// The ISO week of a date as `YYYY-Www` (ISO 8601: the week's year may differ from the date's).
pub(crate) fn iso_week(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{}-W{:02}", week.year(), week.week())
}

/// The ISO week of today: the only time a response keeps.
pub(crate) fn this_week() -> String {
    iso_week(Utc::now().date_naive())
}

/// Now, to the second, for the audit log of administrative actions (never for responses).
pub(crate) fn now() -> String {
    Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_follow_iso_8601_at_year_ends() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(iso_week(date(2026, 11, 28)), "2026-W48");
        assert_eq!(iso_week(date(2021, 1, 3)), "2020-W53");
        assert_eq!(iso_week(date(2024, 12, 30)), "2025-W01");
    }
}
