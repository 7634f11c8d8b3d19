//! Requirements over several calendar years ending with the year asked about (docs/rules.md §2,
//! §3, §5): FAR's 120 hours in three years with 20 every year and 60 verifiable,
//! Revisorsinspektionen's 100 verifiable hours in five years, Denmark's and Norway's periods.
//!
//! Windows are the calendar years ending with the year asked about (a rolling window), and
//! apply in full from the year after admission.

use super::set::{WindowLeave, WindowRule};
use super::{Evaluation, Log, Reason, Status, WindowResult, expected_by, leave};
use crate::{Date, Hours};

pub fn evaluate(
    id: &'static str,
    rules: &[WindowRule],
    log: &Log,
    year: i32,
    as_of: Date,
) -> Evaluation {
    let (teacher_led, e_learning) = super::own_by_category(log, year, as_of);
    let mut result = Evaluation {
        rule_set: id,
        year,
        status: Status::NotRequired,
        required: Hours::ZERO,
        counted: teacher_led.saturating_add(e_learning),
        carried_in: Hours::ZERO,
        carry_out: Hours::ZERO,
        shortfall: Hours::ZERO,
        teacher_led,
        e_learning,
        excluded_e_learning: Hours::ZERO,
        windows: Vec::new(),
        reasons: Vec::new(),
    };
    if log.profile.admitted.is_some_and(|a| year <= a.year()) {
        result.reasons.push(Reason::BeforeAdmission { year });
        return result;
    }

    let mut reasons = Vec::new();
    // (window, the window's yearly average requirement) for the pace rule.
    let mut checked: Vec<(WindowResult, Hours)> = Vec::new();
    let mut main_found = false;
    for rule in rules {
        let from = year - rule.years + 1;
        if rule.each_year {
            for y in from..=year {
                let counted = sum(log, y, y, as_of, |_| true);
                let required = rule.required.unwrap_or(Hours::ZERO);
                if counted < required {
                    reasons.push(Reason::YearShort {
                        year: y,
                        required,
                        counted,
                    });
                }
                let window = WindowResult {
                    name: rule.name.to_owned(),
                    from: y,
                    to: y,
                    required: Some(required),
                    counted,
                    required_verifiable: None,
                    verifiable: None,
                    ok: counted >= required,
                };
                // A year already over cannot catch up.
                let per_year = if y < year { Hours::ZERO } else { required };
                checked.push((window, per_year));
            }
            continue;
        }
        let mut counted = sum(log, from, year, as_of, |_| true);
        for &(topic, cap) in &rule.topic_caps {
            let hours = sum(log, from, year, as_of, |e| e.topic == Some(topic));
            if hours > cap {
                let dropped = hours.saturating_sub(cap);
                counted = counted.saturating_sub(dropped);
                reasons.push(Reason::TopicCap {
                    topic,
                    dropped,
                    cap,
                });
            }
        }
        let verifiable = sum(log, from, year, as_of, |e| e.verifiable);
        let reduce = |hours: Hours| reduced_for_leave(rule.leave, log, from, year, hours);
        let required = rule.required.map(reduce);
        let required_verifiable = rule.required_verifiable.map(reduce);
        if let (Some(before), Some(after)) = (rule.required, required)
            && after < before
        {
            reasons.push(Reason::LeaveReduces { required: after });
        }
        if let Some(r) = required.filter(|r| counted < *r) {
            reasons.push(Reason::WindowShort {
                from,
                to: year,
                required: r,
                counted,
            });
        }
        if let Some(r) = required_verifiable.filter(|r| verifiable < *r) {
            reasons.push(Reason::VerifiableShort {
                from,
                to: year,
                required: r,
                counted: verifiable,
            });
        }
        let window = WindowResult {
            name: rule.name.to_owned(),
            from,
            to: year,
            required,
            counted,
            required_verifiable,
            verifiable: required_verifiable.map(|_| verifiable),
            ok: required.is_none_or(|r| counted >= r)
                && required_verifiable.is_none_or(|r| verifiable >= r),
        };
        let main = required.or(required_verifiable).unwrap_or(Hours::ZERO);
        // The first multi-year window is the main one: its figures are the top-level ones.
        if !main_found {
            main_found = true;
            result.required = main;
            result.counted = if required.is_some() {
                counted
            } else {
                verifiable
            };
        }
        let years = i64::from(rule.years.max(1));
        checked.push((window, main.scale(1, years)));
        for &(topic, minimum) in &rule.topic_minimums {
            let hours = sum(log, from, year, as_of, |e| e.topic == Some(topic));
            if hours < minimum {
                reasons.push(Reason::TopicShort {
                    topic,
                    counted: hours,
                    required: minimum,
                });
            }
            let window = WindowResult {
                name: format!("{}-{}", rule.name, topic.as_str()),
                from,
                to: year,
                required: Some(minimum),
                counted: hours,
                required_verifiable: None,
                verifiable: None,
                ok: hours >= minimum,
            };
            checked.push((window, minimum.scale(1, years)));
        }
    }

    result.shortfall = checked
        .iter()
        .map(|(w, _)| w.shortfall())
        .max()
        .unwrap_or(Hours::ZERO);
    let year_over = as_of > Date::last_of_year(year);
    // While the year runs, a window is on pace when what it still lacks fits in what the
    // rest of the year would bring at the window's average yearly rate.
    let on_pace = checked.iter().all(|(w, per_year)| {
        let still_possible = per_year.saturating_sub(expected_by(*per_year, year, as_of));
        w.shortfall() <= still_possible
    });
    result.status = if checked.iter().all(|(w, _)| w.ok) {
        reasons.insert(
            0,
            Reason::WindowsMet {
                from: checked.iter().map(|(w, _)| w.from).min().unwrap_or(year),
                to: year,
            },
        );
        Status::Compliant
    } else if year_over {
        Status::NonCompliant
    } else if on_pace {
        Status::OnTrack
    } else {
        Status::AtRisk
    };
    result.windows = checked.into_iter().map(|(w, _)| w).collect();
    result.reasons = reasons;
    result
}

/// Hours of the entries in the years `from..=to`, taken by `as_of`, that match `keep`.
fn sum(log: &Log, from: i32, to: i32, as_of: Date, keep: impl Fn(&super::Entry) -> bool) -> Hours {
    log.entries
        .iter()
        .filter(|e| (from..=to).contains(&e.date.year()) && e.date <= as_of && keep(e))
        .fold(Hours::ZERO, |total, e| total.saturating_add(e.hours))
}

fn reduced_for_leave(
    rule: Option<WindowLeave>,
    log: &Log,
    from: i32,
    to: i32,
    required: Hours,
) -> Hours {
    match rule {
        None => required,
        Some(WindowLeave::ProRata { min_months }) => {
            let days: i64 = (from..=to).map(Date::days_in_year).sum();
            let away: i64 = leave::qualifying_in(&log.leaves, from, to, min_months)
                .iter()
                .map(|l| l.to.to_unix_days() - l.from.to_unix_days() + 1)
                .sum();
            required.scale(days - away.min(days), days)
        }
        Some(WindowLeave::PerQuarter { min_months, hours }) => {
            let quarters: u32 = leave::qualifying_in(&log.leaves, from, to, min_months)
                .iter()
                .map(leave::whole_quarters)
                .sum();
            required.saturating_sub(Hours::from_quarters(hours.quarters() * quarters))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::{Category, Entry, Leave, Log, RuleSet, Status, Topic, evaluate};
    use crate::{Date, Hours};

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    fn entry(date: &str, hours: u32, verifiable: bool) -> Entry {
        Entry {
            date: d(date),
            hours: Hours::whole(hours),
            category: Category::TeacherLed,
            verifiable,
            topic: None,
        }
    }

    fn run(set: &str, entries: Vec<Entry>, year: i32, as_of: &str) -> crate::rules::Evaluation {
        let log = Log {
            entries,
            ..Log::default()
        };
        evaluate(&RuleSet::by_id(set).expect("set"), &log, year, d(as_of))
    }

    #[test]
    fn far_needs_120_in_three_years_20_every_year_and_60_verifiable() {
        let entries = vec![
            entry("2024-05-01", 40, true),
            entry("2025-05-01", 40, false),
            entry("2026-05-01", 40, true),
        ];
        let r = run("se-revisor-far", entries.clone(), 2026, "2027-01-15");
        assert_eq!(r.status, Status::Compliant);
        assert_eq!(
            (r.required, r.counted),
            (Hours::whole(120), Hours::whole(120))
        );
        let names: Vec<_> = r
            .windows
            .iter()
            .map(|w| (w.name.as_str(), w.from))
            .collect();
        assert_eq!(
            names,
            [
                ("far-3y", 2024),
                ("far-year", 2024),
                ("far-year", 2025),
                ("far-year", 2026)
            ]
        );
        // 100 hours in one year and 10 in each of the others: total met, yearly minimum not.
        let lopsided = vec![
            entry("2024-05-01", 100, true),
            entry("2025-05-01", 10, true),
            entry("2026-05-01", 10, true),
        ];
        let r = run("se-revisor-far", lopsided, 2026, "2027-01-15");
        assert_eq!(
            (r.status, r.shortfall),
            (Status::NonCompliant, Hours::whole(10))
        );
        // Too little verifiable.
        let unverified = vec![
            entry("2024-05-01", 40, false),
            entry("2025-05-01", 40, false),
            entry("2026-05-01", 40, true),
        ];
        let r = run("se-revisor-far", unverified, 2026, "2027-01-15");
        let main = &r.windows[0];
        assert_eq!((main.verifiable, main.ok), (Some(Hours::whole(40)), false));
        assert_eq!(r.shortfall, Hours::whole(20));
    }

    #[test]
    fn ri_counts_verifiable_hours_in_five_years() {
        let entries: Vec<_> = (2022..=2026)
            .map(|y| entry(&format!("{y}-12-31"), 20, true))
            .chain([entry("2026-01-01", 50, false)])
            .collect();
        let r = run("se-revisor-ri", entries.clone(), 2026, "2027-01-15");
        assert_eq!(
            (r.status, r.required, r.counted),
            (Status::Compliant, Hours::whole(100), Hours::whole(100))
        );
        assert_eq!(r.windows[0].name, "ri-5y");
        // The window moves: 2022's hours no longer count for 2027.
        let r = run("se-revisor-ri", entries.clone(), 2027, "2027-06-01");
        assert_eq!((r.counted, r.status), (Hours::whole(80), Status::AtRisk));
        // 10 of the 20 still needed by June is ahead of the year's pace.
        let mut more = entries;
        more.push(entry("2027-02-01", 10, true));
        let r = run("se-revisor-ri", more, 2027, "2027-06-01");
        assert_eq!((r.counted, r.status), (Hours::whole(90), Status::OnTrack));
    }

    #[test]
    fn norway_caps_non_legal_subjects_and_wants_ethics() {
        let mut non_legal = entry("2025-03-01", 30, true);
        non_legal.topic = Some(Topic::NonLegal);
        let r = run(
            "no-advokat",
            vec![entry("2024-03-01", 50, true), non_legal],
            2026,
            "2027-01-15",
        );
        // 30 non-legal hours, of which 18.75 count; no ethics.
        assert_eq!(r.counted, Hours::parse("68.75").expect("h"));
        assert_eq!(r.status, Status::NonCompliant);
        assert!(r.windows.iter().any(|w| w.name == "no-5y-ethics" && !w.ok));
    }

    #[test]
    fn leave_reduces_a_window_requirement() {
        let log = Log {
            leaves: vec![Leave {
                from: d("2026-01-01"),
                to: d("2026-12-31"),
            }],
            ..Log::default()
        };
        let dk = evaluate(
            &RuleSet::by_id("dk-advokat").expect("dk"),
            &log,
            2026,
            d("2027-01-15"),
        );
        // One of three years away: 40.5 × 730/1095 = 27.
        assert_eq!(dk.required, Hours::whole(27));
        let no = evaluate(
            &RuleSet::by_id("no-advokat").expect("no"),
            &log,
            2026,
            d("2027-01-15"),
        );
        // Four quarters away: 60 − 4 × 3 = 48.
        assert_eq!(no.required, Hours::whole(48));
    }

    #[test]
    fn england_and_wales_asks_for_no_hours() {
        let r = run(
            "ew-sra",
            vec![entry("2026-03-01", 5, true)],
            2026,
            "2027-01-15",
        );
        assert_eq!(
            (r.status, r.counted),
            (Status::NotRequired, Hours::whole(5))
        );
    }
}
