//! Calendar dates (proleptic Gregorian), with no time zone: a course, an admission or a
//! birthday happens on a day.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("enter a date as YYYY-MM-DD")]
pub struct DateError;

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Result<Date, DateError> {
        if !(1900..=2999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
        {
            return Err(DateError);
        }
        Ok(Date { year, month, day })
    }

    /// Reads `YYYY-MM-DD` (what `<input type="date">` sends).
    pub fn parse(text: &str) -> Result<Date, DateError> {
        let text = text.trim();
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(DateError);
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(DateError);
        }
        let num = |s: &str| s.parse::<u32>().map_err(|_| DateError);
        Date::new(
            i32::try_from(num(y)?).map_err(|_| DateError)?,
            u8::try_from(num(m)?).map_err(|_| DateError)?,
            u8::try_from(num(d)?).map_err(|_| DateError)?,
        )
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    pub fn from_unix_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The same day `months` months later; where that day does not exist, the last day of
    /// the target month (31 Jan + 1 month = 28/29 Feb).
    pub fn add_months(self, months: u32) -> Date {
        let total = i64::from(self.month) - 1 + i64::from(months);
        let year = self.year + i32::try_from(total / 12).unwrap_or(0);
        let month = u8::try_from(total % 12 + 1).unwrap_or(1);
        let day = self.day.min(days_in_month(year, month));
        Date { year, month, day }
    }

    pub fn days_in_year(year: i32) -> i64 {
        if is_leap(year) { 366 } else { 365 }
    }

    pub fn first_of_year(year: i32) -> Date {
        Date {
            year,
            month: 1,
            day: 1,
        }
    }

    pub fn last_of_year(year: i32) -> Date {
        Date {
            year,
            month: 12,
            day: 31,
        }
    }

    pub fn to_unix_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_valid_dates_only() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Ok("2024-02-29".into())
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "2024-01-01x",
            "",
            "2024-04-31",
        ] {
            assert_eq!(Date::parse(bad), Err(DateError), "{bad:?}");
        }
    }

    #[test]
    fn unix_days_match_known_dates() {
        assert_eq!(Date::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_days(20_454).to_string(), "2026-01-01");
        assert_eq!(
            Date::parse("2000-03-01").map(|d| d.to_unix_days()),
            Ok(11_017)
        );
    }

    #[test]
    fn adding_months_keeps_the_day_or_takes_the_month_end() {
        let d = |s: &str| Date::parse(s).expect("date");
        assert_eq!(d("2026-01-15").add_months(3), d("2026-04-15"));
        assert_eq!(d("2026-11-30").add_months(3), d("2027-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2026-03-31").add_months(3), d("2026-06-30"));
    }

    proptest! {
        #[test]
        fn unix_days_round_trip(days in -25_000i64..365_000) {
            prop_assert_eq!(Date::from_unix_days(days).to_unix_days(), days);
        }
    }
}
