//! Requirements per calendar year (docs/rules.md §1 and §5; also Ireland and Finland): the
//! year's requirement from the year after admission, an e-learning cap, leave of some months
//! reducing the requirement in proportion, an age exemption, surplus carried into the next
//! year only, and suspended years (se-advokat 2020).

use super::needs::{self, Gaps};
use super::set::{Annual, Kind};
use super::{
    Evaluation, Log, Reason, RuleSet, Status, Topic, WindowResult, expected_by, explain, leave,
    taken,
};
use crate::{Date, Hours};

/// The result for `year`, as known on `as_of` (entries dated later are not yet taken).
pub fn evaluate(set: &RuleSet, log: &Log, year: i32, as_of: Date) -> Evaluation {
    let (mut result, notes) = evaluate_with_notes(set, log, year, as_of);
    result.reasons = explain::compose(&result, &notes);
    result
}

/// The result without its sentences, and the notes (facts that hold whatever the status)
/// for [`explain::compose`].
pub(crate) fn evaluate_with_notes(
    set: &RuleSet,
    log: &Log,
    year: i32,
    as_of: Date,
) -> (Evaluation, Vec<Reason>) {
    // Carry-over links each year to the one before, so walk forward from the first year
    // that can matter (at most 50 years back: nothing older can reach `year`).
    let first_entry = log
        .entries
        .iter()
        .map(|e| e.date.year())
        .min()
        .unwrap_or(year);
    let start = first_entry.min(year).max(year - 50);
    let mut carried = Hours::ZERO;
    for y in start..year {
        carried = match &set.params(y).kind {
            Kind::Annual(rules) => {
                evaluate_one(set.id, rules, log, y, as_of, carried)
                    .0
                    .carry_out
            }
            _ => Hours::ZERO,
        };
    }
    match &set.params(year).kind {
        Kind::Annual(rules) => evaluate_one(set.id, rules, log, year, as_of, carried),
        _ => unreachable!("annual::evaluate is only called for annual rule sets"),
    }
}

/// The year's own counted hours: (teacher-led, e-learning counted, e-learning dropped).
fn own_hours(rules: &Annual, log: &Log, year: i32, as_of: Date) -> (Hours, Hours, Hours) {
    let (teacher, e_learning) = super::own_by_category(log, year, as_of);
    let counted = rules
        .e_learning_cap
        .map_or(e_learning, |cap| e_learning.min(cap));
    (teacher, counted, e_learning.saturating_sub(counted))
}

/// The requirement × the share of the year not on qualifying leave, to the nearest quarter
/// hour.
pub fn required_after_leave(rules: &Annual, log: &Log, year: i32) -> Hours {
    let Some(months) = rules.leave_min_months else {
        return rules.required;
    };
    let days = Date::days_in_year(year);
    let away = leave::qualifying_days_in(&log.leaves, year, months).min(days);
    rules.required.scale(days - away, days)
}

/// Hours of `topic` logged in the year, whatever their category (a subject minimum counts
/// e-learning above the cap too: docs/rules.md §5).
fn topic_hours(log: &Log, year: i32, as_of: Date, topic: Topic) -> Hours {
    taken(log, year, as_of)
        .filter(|e| e.topic == Some(topic))
        .fold(Hours::ZERO, |sum, e| sum.saturating_add(e.hours))
}

fn evaluate_one(
    id: &'static str,
    rules: &Annual,
    log: &Log,
    year: i32,
    as_of: Date,
    carried_from_last_year: Hours,
) -> (Evaluation, Vec<Reason>) {
    let (teacher_led, e_learning, excluded_e_learning) = own_hours(rules, log, year, as_of);
    let own = teacher_led.saturating_add(e_learning);
    let mut notes = Vec::new();
    if let (Some(cap), true) = (rules.e_learning_cap, excluded_e_learning > Hours::ZERO) {
        notes.push(Reason::ECap {
            counted: e_learning,
            logged: e_learning.saturating_add(excluded_e_learning),
            dropped: excluded_e_learning,
            cap,
        });
    }

    let admitted_year = log.profile.admitted.map(|d| d.year());
    let exemption_recorded = log.exemptions_age_70.contains(&year);
    let exempt = match rules.exemption_age {
        Some(age) if exemption_recorded => {
            let old_enough = log.profile.born.is_some_and(|b| b.year() + age <= year);
            if !old_enough {
                notes.push(Reason::ExemptionIgnored { year, age });
            }
            old_enough
        }
        _ => false,
    };
    let before_requirement = admitted_year.is_some_and(|a| year <= a);
    let mut result = Evaluation {
        counted: own,
        teacher_led,
        e_learning,
        excluded_e_learning,
        ..Evaluation::blank(id, year, as_of)
    };

    if exempt || before_requirement || rules.suspended {
        let reason = if exempt {
            result.status = Status::Exempt;
            Reason::Exempt { year }
        } else if rules.suspended {
            result.carry_out = own.min(rules.suspended_credit);
            Reason::Suspended {
                year,
                credit: rules.suspended_credit,
            }
        } else {
            Reason::BeforeAdmission { year }
        };
        notes.insert(0, reason);
        if carried_from_last_year > Hours::ZERO {
            notes.push(Reason::CarriedLost {
                hours: carried_from_last_year,
            });
        }
        return (result, notes);
    }

    let required = required_after_leave(rules, log, year);
    if required < rules.required {
        notes.push(Reason::LeaveReduces { required });
    }
    let carried_in = carried_from_last_year;
    let counted = carried_in.saturating_add(own);
    let carry_out = own
        .saturating_sub(required.saturating_sub(carried_in))
        .min(rules.carry_max);
    if carried_in > Hours::ZERO {
        notes.push(Reason::CarriedIn {
            hours: carried_in,
            from: year - 1,
        });
    }
    let mut topic_gaps = Vec::new();
    for &(topic, minimum) in &rules.topic_minimums {
        let hours = topic_hours(log, year, as_of, topic);
        topic_gaps.push((topic, minimum.saturating_sub(hours)));
        result.windows.push(WindowResult {
            name: format!("{}-{}", id, topic.as_str()),
            from: year,
            to: year,
            required: Some(minimum),
            counted: hours,
            required_verifiable: None,
            verifiable: None,
            ok: hours >= minimum,
            topic: Some(topic),
            every_year: false,
        });
    }
    let needs = needs::prescribe(&Gaps {
        by: Date::last_of_year(year),
        counted: required.saturating_sub(counted),
        any: Hours::ZERO,
        verifiable: Hours::ZERO,
        topics: topic_gaps,
        // Carried-in hours are not subject to the cap; only the year's own e-learning is.
        e_learning_room: rules
            .e_learning_cap
            .map(|cap| cap.saturating_sub(e_learning)),
        topic_rooms: Vec::new(),
    });
    let shortfall = needs::total(&needs);
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
    if carry_out > Hours::ZERO {
        notes.push(Reason::CarryOut {
            hours: carry_out,
            into: year + 1,
        });
    }
    let result = Evaluation {
        status,
        required,
        counted,
        carried_in,
        carry_out,
        shortfall,
        needs,
        ..result
    };
    (result, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Category, Entry, Leave, Locale, Profile};
    use proptest::prelude::*;

    fn advokat() -> RuleSet {
        RuleSet::by_id("se-advokat").expect("se-advokat")
    }

    fn evaluate(log: &Log, year: i32, as_of: Date) -> Evaluation {
        super::evaluate(&advokat(), log, year, as_of)
    }

    fn advokat_required_after_leave(log: &Log, year: i32) -> Hours {
        match &advokat().params(year).kind {
            Kind::Annual(rules) => required_after_leave(rules, log, year),
            _ => unreachable!(),
        }
    }

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
            topic: None,
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
            r.explanation(Locale::En)
                .iter()
                .any(|s| s == "6 of the 9 e-learning hours logged count; 3 exceed the 6-hour cap.")
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
        assert_eq!(advokat_required_after_leave(&l, 2026), h("18"));
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
        assert!(
            early
                .explanation(Locale::En)
                .iter()
                .any(|s| s.starts_with("Warning:"))
        );
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

    /// Better statuses rank higher.
    fn rank(status: Status) -> u8 {
        match status {
            Status::NonCompliant => 0,
            Status::AtRisk => 1,
            Status::OnTrack => 2,
            Status::Compliant | Status::Exempt | Status::NotRequired => 3,
        }
    }

    #[test]
    fn quarter_hours_add_up_exactly() {
        let l = log(vec![
            entry("2026-01-01", "0.25", T),
            entry("2026-06-01", "17.75", T),
        ]);
        let r = evaluate(&l, 2026, d("2027-01-15"));
        assert_eq!((r.counted, r.status), (h("18"), Status::Compliant));
        let short = evaluate(
            &log(vec![entry("2026-06-01", "17.75", T)]),
            2026,
            d("2027-01-01"),
        );
        assert_eq!(
            (short.shortfall, short.status),
            (h("0.25"), Status::NonCompliant)
        );
    }

    #[test]
    fn a_rule_change_applies_from_its_year_and_carry_over_crosses_it() {
        // A made-up change: 20 hours from 2027, carry-over down to 4.
        let mut set = advokat();
        let Kind::Annual(mut stricter) = set.params(2026).kind.clone() else {
            unreachable!()
        };
        stricter.required = Hours::whole(20);
        stricter.carry_max = Hours::whole(4);
        let mut params = set.params(2026).clone();
        params.kind = Kind::Annual(stricter);
        set.versions.push((2027, params));
        let l = log(vec![
            entry("2026-03-01", "40", T),
            entry("2027-03-01", "17", T),
        ]);
        let y2026 = super::evaluate(&set, &l, 2026, d("2028-01-15"));
        assert_eq!((y2026.required, y2026.carry_out), (h("18"), h("12")));
        let y2027 = super::evaluate(&set, &l, 2027, d("2028-01-15"));
        assert_eq!(
            (
                y2027.required,
                y2027.carried_in,
                y2027.counted,
                y2027.carry_out
            ),
            (h("20"), h("12"), h("29"), h("4"))
        );
    }

    #[test]
    fn leave_across_the_year_boundary_reduces_both_years() {
        let mut l = log(vec![]);
        l.leaves = vec![Leave {
            from: d("2025-11-01"),
            to: d("2026-04-30"),
        }];
        // 61 days of 2025 and 120 of 2026 on leave.
        assert_eq!(advokat_required_after_leave(&l, 2025), h("15"));
        assert_eq!(advokat_required_after_leave(&l, 2026), h("12"));
    }

    #[test]
    fn explanations_read_in_swedish_too() {
        let r = evaluate(
            &log(vec![
                entry("2026-03-01", "12", T),
                entry("2026-04-01", "7.5", E),
            ]),
            2026,
            d("2027-01-15"),
        );
        let sv = r.explanation(Locale::Sv);
        assert_eq!(
            sv[0],
            "Du uppfyller kravet på 18 timmar för 2026 med 18 timmar."
        );
        assert!(
            sv.iter().any(|s| s
                == "6 av de 7,5 loggade timmarna e-learning räknas; 1,5 överstiger taket på 6 timmar.")
        );
    }

    #[test]
    fn ireland_needs_its_subject_minimums_as_well_as_the_total() {
        let set = RuleSet::by_id("ie-solicitor").expect("ie");
        let mut wellbeing = entry("2026-02-01", "5", T);
        wellbeing.topic = Some(Topic::Wellbeing);
        let l = log(vec![entry("2026-03-01", "30", T), wellbeing]);
        let r = super::evaluate(&set, &l, 2026, d("2027-01-15"));
        assert_eq!((r.status, r.shortfall), (Status::NonCompliant, h("3")));
        assert_eq!(r.windows.len(), 2);
        assert!(
            r.windows
                .iter()
                .any(|w| w.name == "ie-solicitor-wellbeing" && w.ok)
        );
    }

    proptest! {
        #[test]
        fn another_teacher_led_entry_never_lowers_counted_hours_or_worsens_status(
            hours in proptest::collection::vec(1u32..40, 0..8), extra in 1u32..40, day in 0i64..365,
        ) {
            let base = Date::first_of_year(2026).to_unix_days();
            let entries: Vec<Entry> = hours.iter().enumerate().map(|(i, q)| Entry {
                date: Date::from_unix_days(base + (i as i64 * 40) % 365), hours: Hours::from_quarters(*q), category: T, verifiable: true, topic: None,
            }).collect();
            let before = evaluate(&log(entries.clone()), 2026, d("2027-01-15"));
            let mut more = entries;
            more.push(Entry { date: Date::from_unix_days(base + day), hours: Hours::from_quarters(extra), category: T, verifiable: true, topic: None });
            let after = evaluate(&log(more), 2026, d("2027-01-15"));
            prop_assert!(after.counted >= before.counted);
            prop_assert!(after.shortfall <= before.shortfall);
            prop_assert!(rank(after.status) >= rank(before.status));
            prop_assert!(after.carry_out <= Hours::whole(12));
        }

        #[test]
        fn own_counted_plus_excluded_is_what_was_logged(t in 0u32..200, e in 0u32..200) {
            let r = evaluate(&log(vec![
                Entry { date: d("2026-02-01"), hours: Hours::from_quarters(t), category: T, verifiable: true, topic: None },
                Entry { date: d("2026-03-01"), hours: Hours::from_quarters(e), category: E, verifiable: true, topic: None },
            ]), 2026, d("2027-01-15"));
            prop_assert_eq!(r.teacher_led.quarters() + r.e_learning.quarters() + r.excluded_e_learning.quarters(), t + e);
        }
    }
}
