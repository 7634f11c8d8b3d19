//! The home page's quick check: "how far am I from this year's §36 minimum?"
//!
//! A deliberately small slice of the advokat rules (docs/rules.md §1: 18 hours a year, of
//! which at most 6 may be e-learning) for a visitor who has not signed in. The full
//! calculator, with leave, exemptions and carry-over, works from the person's log.

use crate::hours::{Hours, HoursError};
use serde::{Deserialize, Serialize};

/// The advokat minimum per calendar year (Riktlinjer för professionell vidareutbildning).
pub const ADVOKAT_REQUIRED: Hours = Hours::whole(18);
/// E-learning counts towards the minimum up to this many hours.
pub const ADVOKAT_ELEARNING_CAP: Hours = Hours::whole(6);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickCheck {
    pub required: Hours,
    /// Hours that count towards the minimum after the e-learning cap.
    pub counted: Hours,
    /// E-learning hours above the cap, which do not count.
    pub elearning_dropped: Hours,
    /// Hours still missing; zero once the minimum is met.
    pub remaining: Hours,
}

impl QuickCheck {
    pub fn is_met(&self) -> bool {
        self.remaining == Hours::ZERO
    }
}

/// Which of the two inputs was wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuickCheckError {
    TeacherLed(HoursError),
    Elearning(HoursError),
}

pub fn advokat(teacher_led: &str, elearning: &str) -> Result<QuickCheck, QuickCheckError> {
    let teacher_led = Hours::parse(teacher_led).map_err(QuickCheckError::TeacherLed)?;
    let elearning = Hours::parse(elearning).map_err(QuickCheckError::Elearning)?;
    Ok(advokat_hours(teacher_led, elearning))
}

pub fn advokat_hours(teacher_led: Hours, elearning: Hours) -> QuickCheck {
    let elearning_counted = elearning.min(ADVOKAT_ELEARNING_CAP);
    let counted = teacher_led.saturating_add(elearning_counted);
    QuickCheck {
        required: ADVOKAT_REQUIRED,
        counted,
        elearning_dropped: elearning.saturating_sub(ADVOKAT_ELEARNING_CAP),
        remaining: ADVOKAT_REQUIRED.saturating_sub(counted),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn eighteen_teacher_led_hours_meet_the_minimum() {
        let check = advokat("18", "").expect("valid");
        assert!(check.is_met());
        assert_eq!(check.remaining, Hours::ZERO);
    }

    #[test]
    fn e_learning_above_six_hours_does_not_count() {
        let check = advokat("10", "8").expect("valid");
        assert_eq!(check.counted, Hours::whole(16));
        assert_eq!(check.elearning_dropped, Hours::whole(2));
        assert_eq!(check.remaining, Hours::whole(2));
        assert!(!check.is_met());
    }

    #[test]
    fn quarter_hours_are_exact() {
        let check = advokat("17,75", "0.25").expect("valid");
        assert!(check.is_met());
    }

    #[test]
    fn names_the_bad_input() {
        assert!(matches!(
            advokat("x", "1"),
            Err(QuickCheckError::TeacherLed(_))
        ));
        assert!(matches!(
            advokat("1", "1.1"),
            Err(QuickCheckError::Elearning(_))
        ));
    }

    proptest! {
        #[test]
        fn more_teacher_led_hours_never_increase_what_remains(t in 0u32..200, e in 0u32..200, extra in 0u32..50) {
            let before = advokat_hours(Hours::from_quarters(t), Hours::from_quarters(e));
            let after = advokat_hours(Hours::from_quarters(t + extra), Hours::from_quarters(e));
            prop_assert!(after.remaining <= before.remaining);
            prop_assert!(after.counted >= before.counted);
        }

        #[test]
        fn counted_plus_dropped_is_what_was_logged(t in 0u32..400, e in 0u32..400) {
            let c = advokat_hours(Hours::from_quarters(t), Hours::from_quarters(e));
            prop_assert_eq!(c.counted.quarters() + c.elearning_dropped.quarters(), t + e);
        }
    }
}
