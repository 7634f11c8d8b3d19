//! Training time, counted in quarter hours.
//!
//! Regulators count hours; people log courses like "1.75 h" or "1,5 h" (Swedish decimal
//! comma). Storing whole quarter hours keeps every sum exact: no floating point drift in
//! a figure an auditor will add up by hand.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A non-negative amount of training time in quarter hours.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Hours(u32);

/// Why a text could not be read as hours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("enter a number of hours, such as 1.5")]
    NotANumber,
    #[error("hours must be in quarter hours (.00, .25, .50 or .75)")]
    NotAQuarter,
    #[error("the number of hours is too large")]
    TooLarge,
}

impl Hours {
    pub const ZERO: Hours = Hours(0);
    /// The largest amount we accept anywhere (a sanity bound, far above any yearly total).
    const MAX_QUARTERS: u32 = 4 * 100_000;

    pub const fn from_quarters(quarters: u32) -> Hours {
        Hours(quarters)
    }

    pub const fn whole(hours: u32) -> Hours {
        Hours(hours * 4)
    }

    pub const fn quarters(self) -> u32 {
        self.0
    }

    pub fn saturating_sub(self, other: Hours) -> Hours {
        Hours(self.0.saturating_sub(other.0))
    }

    pub fn saturating_add(self, other: Hours) -> Hours {
        Hours(self.0.saturating_add(other.0))
    }

    /// `self × numerator / denominator`, to the nearest quarter hour (halves round up).
    pub fn scale(self, numerator: i64, denominator: i64) -> Hours {
        if denominator <= 0 || numerator <= 0 {
            return Hours::ZERO;
        }
        let q = i64::from(self.0);
        let rounded = (2 * q * numerator + denominator) / (2 * denominator);
        Hours(u32::try_from(rounded).unwrap_or(u32::MAX))
    }

    /// Whole quarters as a decimal number of hours (for JSON output; always exact).
    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 4.0
    }

    /// Reads "1", "1.5", "1,75", " 2.50 " (dot or Swedish decimal comma). Empty is zero.
    pub fn parse(text: &str) -> Result<Hours, HoursError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Hours::ZERO);
        }
        let (whole, fraction) = match text.split_once(['.', ',']) {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(whole) || (whole.is_empty() && digits(fraction))) {
            return Err(HoursError::NotANumber);
        }
        if !fraction.is_empty() && !digits(fraction) {
            return Err(HoursError::NotANumber);
        }
        let whole: u32 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| HoursError::TooLarge)?
        };
        // Only the first two fraction digits can be significant for quarters; the rest
        // must be zeros ("1.500" is fine, "1.501" is not a quarter).
        let (head, tail) = fraction.split_at(fraction.len().min(2));
        if tail.bytes().any(|b| b != b'0') {
            return Err(HoursError::NotAQuarter);
        }
        let hundredths: u32 = match head.len() {
            0 => 0,
            1 => u32::from(head.as_bytes()[0] - b'0') * 10,
            _ => head.parse().map_err(|_| HoursError::NotANumber)?,
        };
        if !hundredths.is_multiple_of(25) {
            return Err(HoursError::NotAQuarter);
        }
        let quarters = whole
            .checked_mul(4)
            .and_then(|q| q.checked_add(hundredths / 25))
            .filter(|q| *q <= Self::MAX_QUARTERS)
            .ok_or(HoursError::TooLarge)?;
        Ok(Hours(quarters))
    }

    /// Formats with a decimal separator of the caller's choice, dropping a zero fraction:
    /// 6, 1.5, 2.25 (or 1,5 in Swedish).
    pub fn display_with(self, separator: char) -> String {
        let whole = self.0 / 4;
        match self.0 % 4 {
            0 => whole.to_string(),
            1 => format!("{whole}{separator}25"),
            2 => format!("{whole}{separator}5"),
            _ => format!("{whole}{separator}75"),
        }
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_with('.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_dot_comma_and_whole_numbers() {
        assert_eq!(Hours::parse("1"), Ok(Hours::whole(1)));
        assert_eq!(Hours::parse("1.5"), Ok(Hours::from_quarters(6)));
        assert_eq!(Hours::parse("1,75"), Ok(Hours::from_quarters(7)));
        assert_eq!(Hours::parse(" 2.50 "), Ok(Hours::from_quarters(10)));
        assert_eq!(Hours::parse(".25"), Ok(Hours::from_quarters(1)));
        assert_eq!(Hours::parse("3.000"), Ok(Hours::whole(3)));
        assert_eq!(Hours::parse("3,"), Ok(Hours::whole(3)));
        assert_eq!(Hours::parse(""), Ok(Hours::ZERO));
    }

    #[test]
    fn refuses_what_is_not_a_quarter_hour() {
        assert_eq!(Hours::parse("1.1"), Err(HoursError::NotAQuarter));
        assert_eq!(Hours::parse("1.333"), Err(HoursError::NotAQuarter));
        assert_eq!(Hours::parse("1.251"), Err(HoursError::NotAQuarter));
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for bad in ["abc", "-1", "1.2.3", "1e3", ".", "+2", "1 5"] {
            assert_eq!(Hours::parse(bad), Err(HoursError::NotANumber), "{bad:?}");
        }
        assert_eq!(Hours::parse("99999999999"), Err(HoursError::TooLarge));
        assert_eq!(Hours::parse("100001"), Err(HoursError::TooLarge));
    }

    #[test]
    fn displays_without_trailing_zeros() {
        assert_eq!(Hours::from_quarters(24).to_string(), "6");
        assert_eq!(Hours::from_quarters(6).to_string(), "1.5");
        assert_eq!(Hours::from_quarters(9).display_with(','), "2,25");
        assert_eq!(Hours::from_quarters(3).to_string(), "0.75");
    }

    proptest! {
        #[test]
        fn display_then_parse_round_trips(q in 0u32..400_000) {
            let h = Hours::from_quarters(q);
            prop_assert_eq!(Hours::parse(&h.to_string()), Ok(h));
            prop_assert_eq!(Hours::parse(&h.display_with(',')), Ok(h));
        }

        #[test]
        fn parse_never_panics(s in ".{0,12}") {
            let _ = Hours::parse(&s);
        }
    }
}
