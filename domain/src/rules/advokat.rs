//! Sveriges advokatsamfund's rules (`se-advokat`, RULES.md §1 and §5): 18 hours a year from
//! the year after admission, at most 6 by e-learning, leave of three months or more reduces
//! the requirement in proportion, an age-70 exemption, and up to 12 surplus hours carried
//! into the next year only (2020: requirement suspended, up to 12 hours credited to 2021).

use super::{Category, Log, Status, YearResult, leave};
use crate::{Date, Hours};

pub const REQUIRED: Hours = Hours::whole(18);
pub const E_LEARNING_CAP: Hours = Hours::whole(6);
pub const CARRY_MAX: Hours = Hours::whole(12);
/// The year the requirement was suspended.
pub const SUSPENDED: i32 = 2020;

/// The result for `year`, as known on `as_of` (entries dated later are not yet taken).
pub fn evaluate(log: &Log, year: i32, as_of: Date) -> YearResult {
    // Carry-over links each year to the one before, so walk forward from the first year
    // that can matter (at most 50 years back: nothing older can reach `year`).
    let first_entry = log
        .entries
        .iter()
        .map(|e| e.date.year())
        .min()
        .unwrap_or(year);
    let start = first_entry.min(year).max(year - 50);
    let mut result = evaluate_one(log, start, as_of, Hours::ZERO);
    for y in start + 1..=year {
        result = evaluate_one(log, y, as_of, result.carry_out);
    }
    result
}

/// The year's own counted hours: (teacher-led, e-learning counted, e-learning dropped).
fn own_hours(log: &Log, year: i32, as_of: Date) -> (Hours, Hours, Hours) {
    let (mut teacher, mut e_learning) = (Hours::ZERO, Hours::ZERO);
    for entry in log
        .entries
        .iter()
        .filter(|e| e.date.year() == year && e.date <= as_of)
    {
        match entry.category {
            Category::TeacherLed => teacher = teacher.saturating_add(entry.hours),
            Category::ELearning => e_learning = e_learning.saturating_add(entry.hours),
        }
    }
    let counted = e_learning.min(E_LEARNING_CAP);
    (teacher, counted, e_learning.saturating_sub(counted))
}

/// 18 hours × the share of the year not on qualifying leave, to the nearest quarter hour.
pub fn required_after_leave(log: &Log, year: i32) -> Hours {
    let days = Date::days_in_year(year);
    let working = days - leave::qualifying_days_in(&log.leaves, year).min(days);
    let quarters = i64::from(REQUIRED.quarters());
    let rounded = (2 * quarters * working + days) / (2 * days);
    Hours::from_quarters(u32::try_from(rounded).unwrap_or(0))
}

fn evaluate_one(log: &Log, year: i32, as_of: Date, carried_from_last_year: Hours) -> YearResult {
    let (teacher_led, e_learning, excluded_e_learning) = own_hours(log, year, as_of);
    let own = teacher_led.saturating_add(e_learning);
    let mut explanation = Vec::new();
    if excluded_e_learning > Hours::ZERO {
        let logged = e_learning.saturating_add(excluded_e_learning);
        explanation.push(format!(
            "{e_learning} of your {logged} e-learning hours count; {excluded_e_learning} exceed the 6-hour cap."
        ));
    }

    let admitted_year = log.profile.admitted.map(|d| d.year());
    let turns_70 = log.profile.born.is_some_and(|b| b.year() + 70 <= year);
    let exemption_recorded = log.exemptions_age_70.contains(&year);
    if exemption_recorded && !turns_70 {
        explanation.push(format!(
            "Warning: the age-70 exemption recorded for {year} does not apply: it needs a date of birth on which you turn 70 by 31 December {year}."
        ));
    }
    let exempt = exemption_recorded && turns_70;
    let before_requirement = admitted_year.is_some_and(|a| year <= a);

    if exempt || before_requirement || year == SUSPENDED {
        let (status, reason) = if exempt {
            (
                Status::Exempt,
                format!("You are exempt for {year} (age 70)."),
            )
        } else if year == SUSPENDED {
            (
                Status::NotRequired,
                "The requirement was suspended for 2020; up to 12 hours logged then count in 2021."
                    .to_owned(),
            )
        } else {
            (
                Status::NotRequired,
                format!(
                    "There is no requirement in {year}: it starts the calendar year after admission."
                ),
            )
        };
        explanation.insert(0, reason);
        if carried_from_last_year > Hours::ZERO {
            explanation.push(format!("{carried_from_last_year} hours carried from last year are lost: they only count in a year with a requirement."));
        }
        let carry_out = if year == SUSPENDED {
            own.min(CARRY_MAX)
        } else {
            Hours::ZERO
        };
        return YearResult {
            year,
            status,
            required: Hours::ZERO,
            counted: own,
            carried_in: Hours::ZERO,
            carry_out,
            shortfall: Hours::ZERO,
            teacher_led,
            e_learning,
            excluded_e_learning,
            explanation,
        };
    }

    let required = required_after_leave(log, year);
    if required < REQUIRED {
        explanation.push(format!(
            "Leave of three months or more lowers your requirement to {required} hours."
        ));
    }
    let carried_in = carried_from_last_year;
    let counted = carried_in.saturating_add(own);
    let shortfall = required.saturating_sub(counted);
    let carry_out = own
        .saturating_sub(required.saturating_sub(carried_in))
        .min(CARRY_MAX);
    if carried_in > Hours::ZERO {
        explanation.push(format!(
            "{carried_in} hours carried in from {} count first.",
            year - 1
        ));
    }
    let year_over = as_of > Date::last_of_year(year);
    let status = if shortfall == Hours::ZERO {
        Status::Compliant
    } else if year_over {
        Status::NonCompliant
    } else if counted >= expected_by(required, year, as_of) {
        Status::OnTrack
    } else {
        Status::AtRisk
    };
    explanation.insert(
        0,
        match status {
            Status::Compliant => {
                format!("You meet the {required}-hour requirement for {year} with {counted} hours.")
            }
            Status::NonCompliant => {
                format!("You had {counted} of {required} hours in {year}: {shortfall} short.")
            }
            Status::OnTrack => format!(
                "{counted} of {required} hours so far in {year}: {shortfall} to go, on pace."
            ),
            _ => format!(
                "{counted} of {required} hours so far in {year}: {shortfall} to go, behind pace."
            ),
        },
    );
    if carry_out > Hours::ZERO {
        explanation.push(format!(
            "{carry_out} surplus hours carry into {}.",
            year + 1
        ));
    }
    YearResult {
        year,
        status,
        required,
        counted,
        carried_in,
        carry_out,
        shortfall,
        teacher_led,
        e_learning,
        excluded_e_learning,
        explanation,
    }
}

/// While the year runs, "on pace" means at least the share of the requirement that the
/// share of the year gone so far calls for (our documented choice, RULES.md §6).
fn expected_by(required: Hours, year: i32, as_of: Date) -> Hours {
    let start = Date::first_of_year(year).to_unix_days();
    let days = Date::days_in_year(year);
    let elapsed = (as_of.to_unix_days() - start + 1).clamp(0, days);
    let quarters = i64::from(required.quarters()) * elapsed / days;
    Hours::from_quarters(u32::try_from(quarters).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Entry, Leave, Profile};
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    fn h(s: &str) -> Hours {
        Hours::parse(s).expect("hours")
    }

    fn entry(date: &str, hours: &str, category: Category) -> Entry {
        Entry {
            date: d(date),
            hours: h(hours),
            category,
            verifiable: true,
        }
    }

    fn log(entries: Vec<Entry>) -> Log {
        Log {
            profile: Profile {
                admitted: Some(d("2015-05-01")),
                born: None,
            },
            entries,
            ..Log::default()
        }
    }

    const T: Category = Category::TeacherLed;
    const E: Category = Category::ELearning;

    #[test]
    fn eighteen_hours_with_at_most_six_by_e_learning() {
        let r = evaluate(
            &log(vec![
                entry("2026-03-01", "12", T),
                entry("2026-04-01", "9", E),
            ]),
            2026,
            d("2027-01-15"),
        );
        assert_eq!(
            (r.required, r.counted, r.e_learning, r.excluded_e_learning),
            (h("18"), h("18"), h("6"), h("3"))
        );
        assert_eq!(r.status, Status::Compliant);
        assert!(
            r.explanation
                .iter()
                .any(|s| s == "6 of your 9 e-learning hours count; 3 exceed the 6-hour cap.")
        );
    }

    #[test]
    fn a_short_year_is_non_compliant_once_it_is_over() {
        let l = log(vec![entry("2026-12-31", "10", T)]);
        let r = evaluate(&l, 2026, d("2027-01-01"));
        assert_eq!((r.status, r.shortfall), (Status::NonCompliant, h("8")));
        // 31 Dec belongs to 2026, 1 Jan to 2027.
        let next = evaluate(
            &log(vec![entry("2027-01-01", "10", T)]),
            2026,
            d("2027-06-01"),
        );
        assert_eq!(next.counted, Hours::ZERO);
    }

    #[test]
    fn while_the_year_runs_pace_decides_on_track_or_at_risk() {
        let l = log(vec![entry("2026-02-01", "10", T)]);
        assert_eq!(evaluate(&l, 2026, d("2026-06-30")).status, Status::OnTrack);
        assert_eq!(evaluate(&l, 2026, d("2026-10-31")).status, Status::AtRisk);
        // Entries dated after as_of are not yet taken.
        assert_eq!(evaluate(&l, 2026, d("2026-01-15")).counted, Hours::ZERO);
    }

    #[test]
    fn surplus_carries_at_most_twelve_hours_to_the_next_year_only() {
        let l = log(vec![
            entry("2025-03-01", "40", T),
            entry("2026-03-01", "8", T),
        ]);
        let y2025 = evaluate(&l, 2025, d("2027-01-15"));
        assert_eq!(y2025.carry_out, h("12"));
        let y2026 = evaluate(&l, 2026, d("2027-01-15"));
        assert_eq!(
            (y2026.carried_in, y2026.counted, y2026.status),
            (h("12"), h("20"), Status::Compliant)
        );
        // Carried-in hours are used first: only own hours above what was still needed carry on.
        assert_eq!(y2026.carry_out, h("2"));
        let y2027 = evaluate(&l, 2027, d("2028-01-15"));
        assert_eq!(y2027.carried_in, h("2"));
    }

    #[test]
    fn no_requirement_in_the_admission_year() {
        let mut l = log(vec![entry("2026-06-01", "20", T)]);
        l.profile.admitted = Some(d("2026-01-01"));
        let r = evaluate(&l, 2026, d("2027-01-15"));
        assert_eq!(
            (r.status, r.required, r.carry_out),
            (Status::NotRequired, Hours::ZERO, Hours::ZERO)
        );
        l.profile.admitted = Some(d("2025-12-31"));
        assert_eq!(
            evaluate(&l, 2026, d("2027-01-15")).status,
            Status::Compliant
        );
    }

    #[test]
    fn six_months_of_leave_halves_the_requirement() {
        let mut l = log(vec![entry("2026-09-01", "9", T)]);
        l.leaves = vec![Leave {
            from: d("2026-01-01"),
            to: d("2026-07-01"),
        }];
        // 182 of 365 days on leave: 18 × 183/365 = 9.02 → 9.
        let r = evaluate(&l, 2026, d("2027-01-15"));
        assert_eq!((r.required, r.status), (h("9"), Status::Compliant));
        // A leave one day short of three months reduces nothing.
        l.leaves = vec![Leave {
            from: d("2026-01-15"),
            to: d("2026-04-13"),
        }];
        assert_eq!(required_after_leave(&l, 2026), h("18"));
        // A whole year away: nothing required, compliant.
        l.leaves = vec![Leave {
            from: d("2026-01-01"),
            to: d("2026-12-31"),
        }];
        assert_eq!(
            evaluate(&l, 2026, d("2027-01-15")).status,
            Status::Compliant
        );
    }

    #[test]
    fn the_age_70_exemption_applies_only_from_the_year_one_turns_70() {
        let mut l = log(vec![]);
        l.profile.born = Some(d("1956-12-31"));
        l.exemptions_age_70 = vec![2026, 2025];
        assert_eq!(evaluate(&l, 2026, d("2027-01-15")).status, Status::Exempt);
        let early = evaluate(&l, 2025, d("2026-01-15"));
        assert_eq!(early.status, Status::NonCompliant);
        assert!(early.explanation.iter().any(|s| s.starts_with("Warning:")));
    }

    #[test]
    fn twenty_twenty_was_suspended_and_credits_up_to_twelve_hours_to_2021() {
        let l = log(vec![
            entry("2020-05-01", "15", T),
            entry("2021-05-01", "6", T),
        ]);
        let y2020 = evaluate(&l, 2020, d("2021-01-15"));
        assert_eq!(
            (y2020.status, y2020.carry_out),
            (Status::NotRequired, h("12"))
        );
        let y2021 = evaluate(&l, 2021, d("2022-01-15"));
        assert_eq!(
            (y2021.carried_in, y2021.counted, y2021.status),
            (h("12"), h("18"), Status::Compliant)
        );
    }

    proptest! {
        #[test]
        fn another_teacher_led_entry_never_lowers_counted_hours_or_worsens_status(
            hours in proptest::collection::vec(1u32..40, 0..8), extra in 1u32..40, day in 0i64..365,
        ) {
            let base = Date::first_of_year(2026).to_unix_days();
            let entries: Vec<Entry> = hours.iter().enumerate().map(|(i, q)| Entry {
                date: Date::from_unix_days(base + (i as i64 * 40) % 365), hours: Hours::from_quarters(*q), category: T, verifiable: true,
            }).collect();
            let before = evaluate(&log(entries.clone()), 2026, d("2027-01-15"));
            let mut more = entries;
            more.push(Entry { date: Date::from_unix_days(base + day), hours: Hours::from_quarters(extra), category: T, verifiable: true });
            let after = evaluate(&log(more), 2026, d("2027-01-15"));
            prop_assert!(after.counted >= before.counted);
            prop_assert!(after.shortfall <= before.shortfall);
            prop_assert!(after.carry_out <= CARRY_MAX);
        }

        #[test]
        fn own_counted_plus_excluded_is_what_was_logged(t in 0u32..200, e in 0u32..200) {
            let r = evaluate(&log(vec![
                Entry { date: d("2026-02-01"), hours: Hours::from_quarters(t), category: T, verifiable: true },
                Entry { date: d("2026-03-01"), hours: Hours::from_quarters(e), category: E, verifiable: true },
            ]), 2026, d("2027-01-15"));
            prop_assert_eq!(r.teacher_led.quarters() + r.e_learning.quarters() + r.excluded_e_learning.quarters(), t + e);
        }
    }
}
