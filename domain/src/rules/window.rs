//! Requirements over several calendar years ending with the year asked about (docs/rules.md §2,
//! §3, §5): FAR's 120 hours in three years with 20 every year and 60 verifiable,
//! Revisorsinspektionen's 100 verifiable hours in five years, Denmark's and Norway's periods.
//!
//! Windows are the calendar years ending with the year asked about (a rolling window), and
//! apply in full from the year after admission.

use super::needs::{self, Gaps, MissedYear, Need};
use super::set::{WindowLeave, WindowRule};
use super::{Evaluation, Log, Reason, Status, Topic, WindowResult, expected_by, explain, leave};
use crate::{Date, Hours};
use std::collections::BTreeMap;

pub fn evaluate(
    id: &'static str,
    rules: &[WindowRule],
    log: &Log,
    year: i32,
    as_of: Date,
) -> Evaluation {
    let (mut result, notes) = evaluate_with_notes(id, rules, log, year, as_of);
    result.reasons = explain::compose(&result, &notes);
    result
}

/// What a window over several years still lacks (before the yearly floors are placed).
struct Span {
    from: i32,
    /// Counted hours missing (after subject caps and leave).
    counted: Hours,
    verifiable: Hours,
    topics: Vec<(Topic, Hours)>,
    /// Per capped subject, the hours of it that would still count.
    rooms: Vec<(Topic, Hours)>,
}

/// The result without its sentences, and the notes (facts that hold whatever the status)
/// for [`explain::compose`].
pub(crate) fn evaluate_with_notes(
    id: &'static str,
    rules: &[WindowRule],
    log: &Log,
    year: i32,
    as_of: Date,
) -> (Evaluation, Vec<Reason>) {
    let (teacher_led, e_learning) = super::own_by_category(log, year, as_of);
    let mut result = Evaluation {
        counted: teacher_led.saturating_add(e_learning),
        teacher_led,
        e_learning,
        ..Evaluation::blank(id, year, as_of)
    };
    if log.profile.admitted.is_some_and(|a| year <= a.year()) {
        return (result, vec![Reason::BeforeAdmission { year }]);
    }

    let mut notes = Vec::new();
    // (window, the window's yearly average requirement) for the pace rule.
    let mut checked: Vec<(WindowResult, Hours)> = Vec::new();
    let mut spans: Vec<Span> = Vec::new();
    // Per year with a floor: (the highest floor, the year's hours).
    let mut floors: BTreeMap<i32, (Hours, Hours)> = BTreeMap::new();
    let mut main_found = false;
    for rule in rules {
        let from = year - rule.years + 1;
        if rule.each_year {
            for y in from..=year {
                let counted = sum(log, y, y, as_of, |_| true);
                let required = rule.required.unwrap_or(Hours::ZERO);
                let floor = floors.entry(y).or_insert((Hours::ZERO, counted));
                floor.0 = floor.0.max(required);
                let window = WindowResult {
                    name: rule.name.to_owned(),
                    from: y,
                    to: y,
                    required: Some(required),
                    counted,
                    required_verifiable: None,
                    verifiable: None,
                    ok: counted >= required,
                    topic: None,
                    every_year: true,
                };
                // A year already over cannot catch up.
                let per_year = if y < year { Hours::ZERO } else { required };
                checked.push((window, per_year));
            }
            continue;
        }
        let mut counted = sum(log, from, year, as_of, |_| true);
        let mut rooms = Vec::new();
        for &(topic, cap) in &rule.topic_caps {
            let hours = sum(log, from, year, as_of, |e| e.topic == Some(topic));
            rooms.push((topic, cap.saturating_sub(hours)));
            if hours > cap {
                let dropped = hours.saturating_sub(cap);
                counted = counted.saturating_sub(dropped);
                notes.push(Reason::TopicCap {
                    topic,
                    dropped,
                    cap,
                });
            }
        }
        // Verifiable hours count for the verifiable share even above a subject cap.
        let verifiable = sum(log, from, year, as_of, |e| e.verifiable);
        let reduce = |hours: Hours| reduced_for_leave(rule.leave, log, from, year, hours);
        let required = rule.required.map(reduce);
        let required_verifiable = rule.required_verifiable.map(reduce);
        if let (Some(before), Some(after)) = (rule.required, required)
            && after < before
        {
            notes.push(Reason::LeaveReduces { required: after });
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
            topic: None,
            every_year: false,
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
        let mut topics = Vec::new();
        for &(topic, minimum) in &rule.topic_minimums {
            let hours = sum(log, from, year, as_of, |e| e.topic == Some(topic));
            topics.push((topic, minimum.saturating_sub(hours)));
            let window = WindowResult {
                name: format!("{}-{}", rule.name, topic.as_str()),
                from,
                to: year,
                required: Some(minimum),
                counted: hours,
                required_verifiable: None,
                verifiable: None,
                ok: hours >= minimum,
                topic: Some(topic),
                every_year: false,
            };
            checked.push((window, minimum.scale(1, years)));
        }
        spans.push(Span {
            from,
            counted: required.map_or(Hours::ZERO, |r| r.saturating_sub(counted)),
            verifiable: required_verifiable.map_or(Hours::ZERO, |r| r.saturating_sub(verifiable)),
            topics,
            rooms,
        });
    }

    let (needs, missed) = prescribe(&mut spans, &floors, year, as_of);
    result.shortfall = missed.iter().fold(needs::total(&needs), |total, m| {
        total.saturating_add(m.short())
    });
    result.needs = needs;
    result.missed_years = missed;
    result.from = checked.iter().map(|(w, _)| w.from).min().unwrap_or(year);

    let all_ok = checked.iter().all(|(w, _)| w.ok);
    debug_assert_eq!(all_ok, result.shortfall == Hours::ZERO);
    let year_over = as_of > Date::last_of_year(year);
    // While the year runs, a window is on pace when what it still lacks fits in what the
    // rest of the year would bring at the window's average yearly rate.
    let on_pace = checked.iter().all(|(w, per_year)| {
        let still_possible = per_year.saturating_sub(expected_by(*per_year, year, as_of));
        w.shortfall() <= still_possible
    });
    result.status = if all_ok {
        Status::Compliant
    } else if year_over {
        Status::NonCompliant
    } else if on_pace {
        Status::OnTrack
    } else {
        Status::AtRisk
    };
    result.windows = checked.into_iter().map(|(w, _)| w).collect();
    (result, notes)
}

/// The least hours that meet every window and floor, and the floors past repair.
///
/// A floor of an earlier year that is over is missed: nothing logged now falls in it. A
/// floor of an earlier year still running (the answer asked ahead) is met in that year; its
/// hours count towards the windows that include that year (they are kept out of capped
/// subjects so that they do), and are made verifiable only as far as the year asked could
/// not take the verifiable hours still lacking. The rest falls in the year asked, where
/// every hour counts towards every window (all end with it) and towards its floor. (No rule
/// set combines a floor with subject minimums; if one did, an earlier year's floor hours
/// would not be given subjects, and the answer could be more than the least.)
fn prescribe(
    spans: &mut [Span],
    floors: &BTreeMap<i32, (Hours, Hours)>,
    year: i32,
    as_of: Date,
) -> (Vec<Need>, Vec<MissedYear>) {
    let mut missed = Vec::new();
    let mut early: Vec<(i32, Hours)> = Vec::new();
    let mut floor_now = Hours::ZERO;
    for (&y, &(required, counted)) in floors {
        let short = required.saturating_sub(counted);
        if short == Hours::ZERO {
            continue;
        } else if y >= year {
            floor_now = short;
        } else if as_of > Date::last_of_year(y) {
            missed.push(MissedYear {
                year: y,
                required,
                counted,
            });
        } else {
            early.push((y, short));
        }
    }
    for &(y, short) in &early {
        for s in spans.iter_mut().filter(|s| s.from <= y) {
            s.counted = s.counted.saturating_sub(short);
        }
    }

    let mut topics: Vec<(Topic, Hours)> = Vec::new();
    let mut rooms: Vec<(Topic, Hours)> = Vec::new();
    for span in spans.iter() {
        for &(topic, gap) in &span.topics {
            match topics.iter_mut().find(|(t, _)| *t == topic) {
                Some((_, g)) => *g = (*g).max(gap),
                None => topics.push((topic, gap)),
            }
        }
        for &(topic, room) in &span.rooms {
            match rooms.iter_mut().find(|(t, _)| *t == topic) {
                Some((_, r)) => *r = (*r).min(room),
                None => rooms.push((topic, room)),
            }
        }
    }
    let max =
        |spans: &[Span], f: fn(&Span) -> Hours| spans.iter().map(f).max().unwrap_or(Hours::ZERO);
    // What the year asked needs whatever is verifiable; earlier floor hours are made
    // verifiable for what that cannot also hold, latest year first.
    let topic_total = topics
        .iter()
        .fold(Hours::ZERO, |sum, (_, g)| sum.saturating_add(*g));
    let base = max(spans, |s| s.counted).max(floor_now).max(topic_total);
    let mut verifiable_early = max(spans, |s| s.verifiable).saturating_sub(base);
    let mut needs = Vec::new();
    for &(y, short) in early.iter().rev() {
        let verifiable = short.min(verifiable_early);
        verifiable_early = verifiable_early.saturating_sub(verifiable);
        for s in spans.iter_mut().filter(|s| s.from <= y) {
            s.verifiable = s.verifiable.saturating_sub(verifiable);
        }
        let mut capped: Vec<Topic> = Vec::new();
        for (topic, _) in spans.iter().filter(|s| s.from <= y).flat_map(|s| &s.rooms) {
            if !capped.contains(topic) {
                capped.push(*topic);
            }
        }
        let part = |hours, verifiable| Need {
            hours,
            topic: None,
            not_topics: capped.clone(),
            verifiable,
            teacher_led: false,
            by: Date::last_of_year(y),
        };
        let parts = [
            part(verifiable, true),
            part(short.saturating_sub(verifiable), false),
        ];
        // Latest year first here; put them back in date order below.
        needs.splice(0..0, parts.into_iter().filter(|n| n.hours > Hours::ZERO));
    }
    needs.extend(needs::prescribe(&Gaps {
        by: Date::last_of_year(year),
        counted: max(spans, |s| s.counted),
        any: floor_now,
        verifiable: max(spans, |s| s.verifiable),
        topics,
        e_learning_room: None,
        topic_rooms: rooms,
    }));
    (needs, missed)
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
    use crate::rules::{Category, Entry, Leave, Log, MissedYear, RuleSet, Status, Topic, evaluate};
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
        // 2025 is past repair (10 short); 2026 still lacks 10 of its own 20.
        assert_eq!(
            (r.status, r.shortfall, r.still_to_log()),
            (Status::NonCompliant, Hours::whole(20), Hours::whole(10))
        );
        assert_eq!(
            r.missed_years,
            [MissedYear {
                year: 2025,
                required: Hours::whole(20),
                counted: Hours::whole(10)
            }]
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
