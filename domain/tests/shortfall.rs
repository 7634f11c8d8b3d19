//! The shortfall and what is missing (docs/rules.md §4–§5), through the public API: property
//! tests over random logs for every rule set, and tables of each rule set's requirements
//! missed together.

use domain::rules::set::{IDS, Kind};
use domain::rules::{
    Category, Entry, Evaluation, Leave, Locale, Log, MissedYear, Need, Profile, Reason, RuleSet,
    Status, Topic, evaluate,
};
use domain::{Date, Hours};
use proptest::prelude::*;

fn d(s: &str) -> Date {
    Date::parse(s).expect("date")
}

fn h(s: &str) -> Hours {
    Hours::parse(s).expect("hours")
}

fn set(id: &str) -> RuleSet {
    RuleSet::by_id(id).expect("rule set")
}

fn entry(date: &str, hours: &str, category: Category, verifiable: bool) -> Entry {
    Entry {
        date: d(date),
        hours: h(hours),
        category,
        verifiable,
        topic: None,
    }
}

fn on(topic: Topic, mut e: Entry) -> Entry {
    e.topic = Some(topic);
    e
}

const T: Category = Category::TeacherLed;
const E: Category = Category::ELearning;

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

fn run(id: &str, entries: Vec<Entry>, as_of: &str) -> Evaluation {
    evaluate(&set(id), &log(entries), 2026, d(as_of))
}

/// (hours, topic, verifiable, teacher-led, excluded topics) of each need.
type Shape = (Hours, Option<Topic>, bool, bool, Vec<Topic>);

fn shape(r: &Evaluation) -> Vec<Shape> {
    r.needs
        .iter()
        .map(|n| {
            (
                n.hours,
                n.topic,
                n.verifiable,
                n.teacher_led,
                n.not_topics.clone(),
            )
        })
        .collect()
}

fn general(hours: &str) -> Shape {
    (h(hours), None, false, false, Vec::new())
}

fn of(topic: Topic, hours: &str) -> Shape {
    (h(hours), Some(topic), false, false, Vec::new())
}

fn verifiable(hours: &str) -> Shape {
    (h(hours), None, true, false, Vec::new())
}

fn teacher_led(hours: &str) -> Shape {
    (h(hours), None, false, true, Vec::new())
}

// ---- The subject areas some rule sets cap, and the realisations of a need ----

/// The subject areas whose hours count only up to a cap in `set` in `year`.
fn capped_topics(set: &RuleSet, year: i32) -> Vec<Topic> {
    match &set.params(year).kind {
        Kind::Windows(rules) => rules
            .iter()
            .flat_map(|r| r.topic_caps.iter().map(|(t, _)| *t))
            .collect(),
        _ => Vec::new(),
    }
}

/// `need` logged on `date`, the least helpful way its freedom allows: e-learning unless it
/// must be teacher-led, not verifiable unless it must be, of a capped subject unless it
/// must be of another.
fn worst(need: &Need, hours: Hours, date: Date, capped: &[Topic]) -> Entry {
    Entry {
        date,
        hours,
        category: if need.teacher_led {
            Category::TeacherLed
        } else {
            Category::ELearning
        },
        verifiable: need.verifiable,
        topic: need.topic.or_else(|| {
            capped
                .iter()
                .copied()
                .find(|t| !need.not_topics.contains(t))
        }),
    }
}

/// `need` logged the plain way: teacher-led, verifiable, its subject or none.
fn plain(need: &Need, hours: Hours, date: Date) -> Entry {
    Entry {
        date,
        hours,
        category: Category::TeacherLed,
        verifiable: true,
        topic: need.topic,
    }
}

/// The day to log a need on, so that the evaluation on `as_of` takes it: today, or the
/// need's deadline if that has passed.
fn log_day(need: &Need, as_of: Date) -> Date {
    as_of.min(need.by)
}

// ---- What the explanation must say, from the result ----

/// Every figure the sentences give equals the result's, and no sentence contradicts the
/// status.
fn explanation_agrees(r: &Evaluation) -> Result<(), TestCaseError> {
    let met = matches!(r.status, Status::Compliant);
    let required = !matches!(r.status, Status::Exempt | Status::NotRequired);
    let mut needs_told: Vec<Need> = Vec::new();
    let mut missed_told: Vec<MissedYear> = Vec::new();
    let mut heads = 0;
    for reason in &r.reasons {
        match reason {
            Reason::Met {
                year,
                required,
                counted,
            } => {
                heads += 1;
                prop_assert!(met);
                prop_assert_eq!(
                    (*year, *required, *counted),
                    (r.year, r.required, r.counted)
                );
            }
            Reason::WindowsMet { from, to } => {
                heads += 1;
                prop_assert!(met);
                prop_assert_eq!((*from, *to), (r.from, r.year));
            }
            Reason::Short {
                year,
                required,
                counted,
                shortfall,
            }
            | Reason::OnPace {
                year,
                required,
                counted,
                shortfall,
            }
            | Reason::BehindPace {
                year,
                required,
                counted,
                shortfall,
            } => {
                heads += 1;
                prop_assert_eq!(
                    (*year, *required, *counted, *shortfall),
                    (r.year, r.required, r.counted, r.shortfall)
                );
                prop_assert!(*shortfall > Hours::ZERO);
                let expected = match reason {
                    Reason::Short { .. } => Status::NonCompliant,
                    Reason::OnPace { .. } => Status::OnTrack,
                    _ => Status::AtRisk,
                };
                prop_assert_eq!(r.status, expected);
            }
            Reason::WindowsShort {
                from,
                to,
                shortfall,
                status,
                missed,
            } => {
                heads += 1;
                prop_assert_eq!(
                    (*from, *to, *shortfall, *status, *missed),
                    (
                        r.from,
                        r.year,
                        r.shortfall,
                        r.status,
                        !r.missed_years.is_empty()
                    )
                );
                prop_assert!(*shortfall > Hours::ZERO);
            }
            Reason::Needed {
                hours,
                by,
                needs,
                passed,
            } => {
                prop_assert!(!met);
                let total = needs
                    .iter()
                    .fold(Hours::ZERO, |t, n| t.saturating_add(n.hours));
                prop_assert_eq!(*hours, total);
                prop_assert!(*hours > Hours::ZERO);
                prop_assert!(needs.iter().all(|n| n.by == *by));
                prop_assert_eq!(*passed, r.as_of > *by);
                needs_told.extend(needs.iter().cloned());
            }
            Reason::YearMissed {
                year,
                required,
                counted,
                from,
                to,
            } => {
                prop_assert!(!met);
                prop_assert_eq!((*from, *to), (r.from, r.year));
                missed_told.push(MissedYear {
                    year: *year,
                    required: *required,
                    counted: *counted,
                });
            }
            Reason::TopicShort { .. }
            | Reason::WindowShort { .. }
            | Reason::VerifiableShort { .. }
            | Reason::YearShort { .. } => prop_assert!(!met),
            _ => {}
        }
    }
    prop_assert_eq!(heads, usize::from(required));
    prop_assert_eq!(&needs_told, &r.needs);
    prop_assert_eq!(&missed_told, &r.missed_years);
    for locale in [Locale::En, Locale::Sv] {
        for sentence in r.explanation(locale) {
            for zero in [" 0 short", ": 0 to go", ": 0 timmar saknas", ": 0 kvar"] {
                prop_assert!(!sentence.contains(zero), "{sentence}");
            }
        }
    }
    Ok(())
}

// ---- Random logs ----

fn arb_topic() -> impl Strategy<Value = Option<Topic>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some(Topic::Ethics)),
        1 => Just(Some(Topic::NonLegal)),
        1 => Just(Some(Topic::Wellbeing)),
        1 => Just(Some(Topic::ClientCare)),
    ]
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    (
        2020i32..=2026,
        0i64..366,
        1u32..=48,
        any::<bool>(),
        prop::bool::weighted(0.7),
        arb_topic(),
    )
        .prop_map(
            |(year, day, quarters, e_learning, verifiable, topic)| Entry {
                date: Date::from_unix_days(
                    Date::first_of_year(year).to_unix_days()
                        + day.min(Date::days_in_year(year) - 1),
                ),
                hours: Hours::from_quarters(quarters),
                category: if e_learning {
                    Category::ELearning
                } else {
                    Category::TeacherLed
                },
                verifiable,
                topic,
            },
        )
}

fn arb_leave() -> impl Strategy<Value = Leave> {
    (0i64..(3 * 366), 1i64..400).prop_map(|(start, length)| {
        let from = Date::first_of_year(2024).to_unix_days() + start;
        Leave {
            from: Date::from_unix_days(from),
            to: Date::from_unix_days(from + length),
        }
    })
}

/// A rule set, a log and an evaluation date in 2026 or early 2027 (so every earlier year
/// of a window is over).
fn arb_case() -> impl Strategy<Value = (&'static str, Log, Date)> {
    (
        prop::sample::select(IDS.to_vec()),
        prop::collection::vec(arb_entry(), 0..24),
        prop::collection::vec(arb_leave(), 0..2),
        prop::bool::weighted(0.1),
        0i64..400,
    )
        .prop_map(|(id, entries, leaves, exempt, day)| {
            let log = Log {
                profile: Profile {
                    admitted: Some(d("2015-05-01")),
                    born: Some(d(if exempt { "1950-01-01" } else { "1980-01-01" })),
                },
                entries,
                leaves,
                exemptions_age_70: if exempt { vec![2026] } else { Vec::new() },
            };
            let as_of = Date::from_unix_days(Date::first_of_year(2026).to_unix_days() + day);
            (id, log, as_of)
        })
}

fn with(log: &Log, more: impl IntoIterator<Item = Entry>) -> Log {
    let mut log = log.clone();
    log.entries.extend(more);
    log
}

proptest! {
    // Logs already compliant, or past repair, are skipped by the tests of what to log: allow
    // for them in long runs (PROPTEST_CASES).
    #![proptest_config(ProptestConfig {
        max_global_rejects: 1_000_000,
        ..ProptestConfig::with_cases(512)
    })]

    #[test]
    fn compliant_exactly_when_nothing_is_short((id, log, as_of) in arb_case()) {
        let r = evaluate(&set(id), &log, 2026, as_of);
        let missed = r
            .missed_years
            .iter()
            .fold(Hours::ZERO, |t, m| t.saturating_add(m.short()));
        prop_assert_eq!(r.shortfall, r.still_to_log().saturating_add(missed));
        prop_assert!(r.needs.iter().all(|n| n.hours > Hours::ZERO));
        prop_assert!(r.missed_years.iter().all(|m| m.short() > Hours::ZERO && m.year < 2026));
        match r.status {
            Status::Exempt | Status::NotRequired => {
                prop_assert_eq!(r.shortfall, Hours::ZERO);
                prop_assert!(r.needs.is_empty() && r.missed_years.is_empty());
            }
            status => prop_assert_eq!(status == Status::Compliant, r.shortfall == Hours::ZERO),
        }
        if r.status == Status::Compliant {
            prop_assert!(r.windows.iter().all(|w| w.ok));
        }
        explanation_agrees(&r)?;
    }

    #[test]
    fn logging_the_needs_makes_it_compliant_and_a_quarter_hour_less_does_not(
        (id, log, as_of) in arb_case(),
    ) {
        let rules = set(id);
        let r = evaluate(&rules, &log, 2026, as_of);
        prop_assume!(r.shortfall > Hours::ZERO && r.can_still_be_met());
        let capped = capped_topics(&rules, 2026);
        for realise in [0, 1] {
            let added: Vec<Entry> = r
                .needs
                .iter()
                .map(|n| {
                    let day = log_day(n, as_of);
                    if realise == 0 { worst(n, n.hours, day, &capped) } else { plain(n, n.hours, day) }
                })
                .collect();
            let after = evaluate(&rules, &with(&log, added), 2026, as_of);
            prop_assert_eq!(after.status, Status::Compliant, "{:?} {:?}", r.needs, after.needs);
            prop_assert_eq!(after.shortfall, Hours::ZERO);
            explanation_agrees(&after)?;
        }
        for (i, short) in r.needs.iter().enumerate() {
            let added: Vec<Entry> = r
                .needs
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    let hours = if i == j {
                        n.hours.saturating_sub(Hours::from_quarters(1))
                    } else {
                        n.hours
                    };
                    worst(n, hours, log_day(n, as_of), &capped)
                })
                .filter(|e| e.hours > Hours::ZERO)
                .collect();
            let after = evaluate(&rules, &with(&log, added), 2026, as_of);
            prop_assert!(after.shortfall > Hours::ZERO, "{:?} less a quarter of {:?}", r.needs, short);
        }
    }

    #[test]
    fn asked_ahead_logging_each_need_in_its_year_makes_it_compliant(
        (id, log, _) in arb_case(),
        day in 0i64..700,
    ) {
        // On a day of 2024 or 2025, about the window (or year) ending 2026: what is logged
        // so far, and each need logged in its own year, as early as can be.
        let as_of = Date::from_unix_days(Date::first_of_year(2024).to_unix_days() + day);
        let mut log = log;
        log.entries.retain(|e| e.date <= as_of);
        let rules = set(id);
        let r = evaluate(&rules, &log, 2026, as_of);
        prop_assume!(r.shortfall > Hours::ZERO && r.can_still_be_met());
        let first_day = |n: &Need| as_of.max(Date::first_of_year(n.by.year()));
        let capped = capped_topics(&rules, 2026);
        let later = r.needs.iter().map(first_day).max().unwrap_or(as_of);
        let added: Vec<Entry> = r.needs.iter().map(|n| worst(n, n.hours, first_day(n), &capped)).collect();
        let after = evaluate(&rules, &with(&log, added), 2026, later);
        prop_assert_eq!(after.status, Status::Compliant, "{:?} {:?}", r.needs, after.needs);
        for i in 0..r.needs.len() {
            let added: Vec<Entry> = r
                .needs
                .iter()
                .enumerate()
                .map(|(j, n)| {
                    let less = if i == j { Hours::from_quarters(1) } else { Hours::ZERO };
                    worst(n, n.hours.saturating_sub(less), first_day(n), &capped)
                })
                .filter(|e| e.hours > Hours::ZERO)
                .collect();
            let after = evaluate(&rules, &with(&log, added), 2026, later);
            prop_assert!(after.shortfall > Hours::ZERO);
        }
    }

    #[test]
    fn no_mix_of_a_quarter_hour_less_than_the_shortfall_makes_it_compliant(
        (id, log, as_of) in arb_case(),
        kinds in prop::collection::vec((any::<bool>(), prop::bool::weighted(0.8), arb_topic(), 1u32..100), 1..5),
    ) {
        let rules = set(id);
        let r = evaluate(&rules, &log, 2026, as_of);
        prop_assume!(r.shortfall > Hours::ZERO && r.can_still_be_met());
        // Split the shortfall less a quarter hour over a few entries of random kinds.
        let mut left = r.shortfall.quarters() - 1;
        let weights: u32 = kinds.iter().map(|k| k.3).sum();
        let mut added = Vec::new();
        for (i, (e_learning, verifiable, topic, weight)) in kinds.iter().enumerate() {
            let quarters = if i + 1 == kinds.len() { left } else { (r.shortfall.quarters() - 1) * weight / weights };
            let quarters = quarters.min(left);
            left -= quarters;
            if quarters > 0 {
                added.push(Entry {
                    date: as_of.min(Date::last_of_year(2026)),
                    hours: Hours::from_quarters(quarters),
                    category: if *e_learning { Category::ELearning } else { Category::TeacherLed },
                    verifiable: *verifiable,
                    topic: *topic,
                });
            }
        }
        let after = evaluate(&rules, &with(&log, added), 2026, as_of);
        prop_assert!(after.shortfall > Hours::ZERO);
    }
}

// ---- Tables: each rule set's requirements missed together ----

#[test]
fn ireland_two_subject_minimums_at_once() {
    let r = run(
        "ie-solicitor",
        vec![entry("2026-03-01", "25", T, true)],
        "2026-06-01",
    );
    assert_eq!((r.status, r.shortfall), (Status::OnTrack, h("8")));
    assert_eq!(
        shape(&r),
        [of(Topic::Wellbeing, "5"), of(Topic::ClientCare, "3")]
    );
    let en = r.explanation(Locale::En);
    assert_eq!(
        en[0],
        "25 of 25 hours so far in 2026, not all of the kinds required: 8 to go, on pace."
    );
    assert_eq!(
        en[1],
        "8 h still needed by 31 Dec 2026: 5 h of professional development and wellbeing and 3 h of client care and professional standards."
    );
    assert_eq!(
        r.explanation(Locale::Sv)[1],
        "8 h behövs till 31 dec 2026: 5 h professionell utveckling och välmående och 3 h klientrelationer och yrkesstandard."
    );
    // After the year: the same hours, said as missing on the deadline.
    let r = run(
        "ie-solicitor",
        vec![entry("2026-03-01", "25", T, true)],
        "2027-01-15",
    );
    assert_eq!((r.status, r.shortfall), (Status::NonCompliant, h("8")));
    let en = r.explanation(Locale::En);
    assert_eq!(
        en[0],
        "You had 25 of 25 hours in 2026, but not all of the kinds required: 8 short."
    );
    assert!(en[1].starts_with("8 h were still missing on 31 Dec 2026: 5 h of "));
    assert_eq!(
        r.explanation(Locale::Sv)[0],
        "Du hade 25 av 25 timmar 2026, men inte allt av de slag som krävs: 8 timmar saknas."
    );
}

#[test]
fn ireland_total_and_both_minimums_at_once() {
    // 20 general hours: the total lacks 5, the subjects 8; their hours count for the total.
    let r = run(
        "ie-solicitor",
        vec![entry("2026-03-01", "20", T, true)],
        "2027-01-15",
    );
    assert_eq!(r.shortfall, h("8"));
    // 10 general hours: 15 short, of which 8 of the subjects.
    let r = run(
        "ie-solicitor",
        vec![entry("2026-03-01", "10", T, true)],
        "2027-01-15",
    );
    assert_eq!(r.shortfall, h("15"));
    assert_eq!(
        shape(&r),
        [
            of(Topic::Wellbeing, "5"),
            of(Topic::ClientCare, "3"),
            general("7")
        ]
    );
    assert_eq!(
        r.explanation(Locale::En)[1],
        "15 h were still missing on 31 Dec 2026: 5 h of professional development and wellbeing, 3 h of client care and professional standards and 7 h of any kind."
    );
    // Partly there: 2 wellbeing and 1 client care logged, 30 hours in all.
    let r = run(
        "ie-solicitor",
        vec![
            entry("2026-03-01", "27", T, true),
            on(Topic::Wellbeing, entry("2026-04-01", "2", E, true)),
            on(Topic::ClientCare, entry("2026-05-01", "1", T, true)),
        ],
        "2027-01-15",
    );
    assert_eq!(r.shortfall, h("5"));
    assert_eq!(
        shape(&r),
        [of(Topic::Wellbeing, "3"), of(Topic::ClientCare, "2")]
    );
}

#[test]
fn advokat_e_learning_beyond_the_cap_does_not_help() {
    // 8 teacher-led and 2 e-learning: 8 short, of which at most 4 may be e-learning.
    let r = run(
        "se-advokat",
        vec![
            entry("2026-03-01", "8", T, true),
            entry("2026-03-02", "2", E, true),
        ],
        "2026-06-01",
    );
    assert_eq!(r.shortfall, h("8"));
    assert_eq!(shape(&r), [teacher_led("4"), general("4")]);
    assert_eq!(
        r.explanation(Locale::En)[1],
        "8 h still needed by 31 Dec 2026: 4 h teacher-led and 4 h of any kind."
    );
    assert_eq!(
        r.explanation(Locale::Sv)[1],
        "8 h behövs till 31 dec 2026: 4 h lärarledda och 4 h valfri utbildning."
    );
    // The cap reached: every hour still needed must be teacher-led.
    let r = run(
        "se-advokat",
        vec![
            entry("2026-03-01", "8", T, true),
            entry("2026-03-02", "9", E, true),
        ],
        "2027-01-15",
    );
    assert_eq!((r.status, r.shortfall), (Status::NonCompliant, h("4")));
    assert_eq!(shape(&r), [teacher_led("4")]);
    assert_eq!(
        r.explanation(Locale::En)[..2],
        [
            "You had 14 of 18 hours in 2026: 4 short.",
            "4 h were still missing on 31 Dec 2026, all teacher-led."
        ]
    );
    // Carried-in hours count in full and are not under the cap.
    let r = run(
        "se-advokat",
        vec![
            entry("2025-03-01", "26", T, true),
            entry("2026-03-01", "6", E, true),
            entry("2026-03-02", "2", T, true),
        ],
        "2027-01-15",
    );
    assert_eq!(
        (r.carried_in, r.counted, r.shortfall),
        (h("8"), h("16"), h("2"))
    );
    assert_eq!(shape(&r), [teacher_led("2")]);
}

#[test]
fn finland_needs_hours_of_any_kind() {
    let r = run(
        "fi-asianajaja",
        vec![entry("2026-03-01", "10", E, false)],
        "2027-01-15",
    );
    assert_eq!((r.shortfall, shape(&r)), (h("8"), vec![general("8")]));
    assert_eq!(
        r.explanation(Locale::En)[1],
        "8 h were still missing on 31 Dec 2026."
    );
}

#[test]
fn far_total_verifiable_share_and_yearly_floor_at_once() {
    // 45 hours, none verifiable, 5 of them in 2026: 75 short, 60 of them verifiable, and
    // those also make up 2026's floor.
    let r = run(
        "se-revisor-far",
        vec![
            entry("2024-03-01", "20", T, false),
            entry("2025-03-01", "20", T, false),
            entry("2026-03-01", "5", T, false),
        ],
        "2027-01-15",
    );
    assert_eq!((r.status, r.shortfall), (Status::NonCompliant, h("75")));
    assert_eq!(shape(&r), [verifiable("60"), general("15")]);
    assert!(r.missed_years.is_empty());
    let en = r.explanation(Locale::En);
    assert_eq!(
        en[..2],
        [
            "You do not meet the requirements for 2024–2026: 75 hours short.",
            "75 h were still missing on 31 Dec 2026: 60 h verifiable and 15 h of any kind."
        ]
    );
    // The total met, the verifiable share and 2026's floor not: 50 verifiable cover both.
    let r = run(
        "se-revisor-far",
        vec![
            entry("2024-03-01", "60", T, false),
            entry("2025-03-01", "50", T, false),
            entry("2026-03-01", "10", T, true),
        ],
        "2026-09-01",
    );
    assert_eq!((r.shortfall, shape(&r)), (h("50"), vec![verifiable("50")]));
    assert_eq!(
        r.explanation(Locale::En)[1],
        "50 h still needed by 31 Dec 2026, all verifiable."
    );
    assert_eq!(
        r.explanation(Locale::Sv)[1],
        "50 h behövs till 31 dec 2026, alla verifierbara."
    );
}

#[test]
fn far_a_past_year_below_its_floor_is_said_to_be_past_repair() {
    // 2024 had 10 of its 20; everything else is met.
    let entries = vec![
        entry("2024-03-01", "10", T, true),
        entry("2025-03-01", "50", T, true),
        entry("2026-03-01", "60", T, true),
    ];
    let r = run("se-revisor-far", entries.clone(), "2026-06-01");
    assert_eq!((r.status, r.shortfall), (Status::AtRisk, h("10")));
    assert!(r.needs.is_empty() && !r.can_still_be_met());
    assert_eq!(
        r.missed_years,
        [MissedYear {
            year: 2024,
            required: h("20"),
            counted: h("10")
        }]
    );
    let en = r.explanation(Locale::En);
    assert_eq!(
        en[..2],
        [
            "You can no longer meet every requirement for 2024–2026: 10 hours short.",
            "2024 had 10 of the 20 hours required that year. The year is over, so new hours cannot make up for it: record any 2024 course not yet logged, meet the rest of 2024–2026, and contact your regulator about 2024."
        ]
    );
    assert!(!en.iter().any(|s| s.contains("still needed")));
    let sv = r.explanation(Locale::Sv);
    assert_eq!(
        sv[..2],
        [
            "Du kan inte längre uppfylla alla krav för 2024–2026: 10 timmar saknas.",
            "2024 hade 10 av de 20 timmar som krävs det året. Året är slut, så nya timmar kan inte ta igen det: registrera kurser från 2024 som ännu inte är loggade, uppfyll resten av 2024–2026 och kontakta tillsynsmyndigheten om 2024."
        ]
    );
    // Logging more in 2026 does not help.
    let mut more = entries.clone();
    more.push(entry("2026-05-01", "40", T, true));
    let r = run("se-revisor-far", more, "2026-06-01");
    assert_eq!((r.status, r.shortfall), (Status::AtRisk, h("10")));
    // Once 2026 is over it is non-compliant, said the same way.
    let r = run("se-revisor-far", entries, "2027-01-15");
    assert_eq!(r.status, Status::NonCompliant);
    assert!(r.explanation(Locale::En)[0].starts_with("You can no longer meet"));
}

#[test]
fn far_a_missed_year_and_hours_still_to_log_are_kept_apart() {
    // 2024 missed its floor by 10; the window lacks 30 more, which 2026 can still bring.
    let r = run(
        "se-revisor-far",
        vec![
            entry("2024-03-01", "10", T, true),
            entry("2025-03-01", "50", T, true),
            entry("2026-03-01", "30", T, true),
        ],
        "2026-06-01",
    );
    assert_eq!(
        (r.shortfall, r.still_to_log(), r.missed_years.len()),
        (h("40"), h("30"), 1)
    );
    assert_eq!(shape(&r), [general("30")]);
    let en = r.explanation(Locale::En);
    assert_eq!(
        en[0],
        "You can no longer meet every requirement for 2024–2026: 40 hours short."
    );
    assert!(en[1].starts_with("2024 had 10 of the 20 hours required that year."));
    assert_eq!(en[2], "30 h still needed by 31 Dec 2026.");
    assert_eq!(en[3], "2024–2026: 90 of the 120 hours required.");
}

#[test]
fn far_asked_ahead_an_earlier_year_still_running_gets_its_own_deadline() {
    // On 1 March 2025, for the window 2024–2026: 2024 had 30 verifiable hours.
    let r = run(
        "se-revisor-far",
        vec![entry("2024-03-01", "30", T, true)],
        "2025-03-01",
    );
    // 90 more: 20 in 2025 for its floor, then 70 in 2026 (30 verifiable).
    assert_eq!(r.shortfall, h("90"));
    assert!(r.missed_years.is_empty());
    let dated: Vec<(Date, Hours, bool)> = r
        .needs
        .iter()
        .map(|n| (n.by, n.hours, n.verifiable))
        .collect();
    assert_eq!(
        dated,
        [
            (d("2025-12-31"), h("20"), false),
            (d("2026-12-31"), h("30"), true),
            (d("2026-12-31"), h("40"), false)
        ]
    );
    let en = r.explanation(Locale::En);
    assert!(en.contains(&"20 h still needed by 31 Dec 2025.".to_owned()));
    assert!(en.contains(
        &"70 h still needed by 31 Dec 2026: 30 h verifiable and 40 h of any kind.".to_owned()
    ));
}

#[test]
fn far_asked_ahead_the_earlier_floor_takes_verifiable_hours_when_that_saves_hours() {
    // On 1 June 2024: 110 hours in 2024, 10 of them verifiable. 2025 and 2026 each need 20
    // and the window 50 more verifiable: 20 verifiable in 2025 and 30 in 2026 do it all.
    let r = run(
        "se-revisor-far",
        vec![
            entry("2024-03-01", "100", T, false),
            entry("2024-04-01", "10", T, true),
        ],
        "2024-06-01",
    );
    assert_eq!(r.shortfall, h("50"));
    let dated: Vec<(Date, Hours, bool)> = r
        .needs
        .iter()
        .map(|n| (n.by, n.hours, n.verifiable))
        .collect();
    assert_eq!(
        dated,
        [
            (d("2025-12-31"), h("20"), true),
            (d("2026-12-31"), h("30"), true)
        ]
    );
}

#[test]
fn ri_needs_verifiable_hours_only() {
    let r = run(
        "se-revisor-ri",
        vec![
            entry("2024-03-01", "60", T, true),
            entry("2025-03-01", "50", T, false),
        ],
        "2027-01-15",
    );
    assert_eq!((r.shortfall, shape(&r)), (h("40"), vec![verifiable("40")]));
    assert_eq!(
        r.explanation(Locale::En)[1],
        "40 h were still missing on 31 Dec 2026, all verifiable."
    );
}

#[test]
fn norway_ethics_total_and_the_non_legal_cap_at_once() {
    // 40 non-legal hours, of which 18.75 count: 41.25 short, 3.75 of them ethics, and the
    // rest cannot be non-legal.
    let r = run(
        "no-advokat",
        vec![on(Topic::NonLegal, entry("2024-03-01", "40", T, true))],
        "2027-01-15",
    );
    assert_eq!(r.shortfall, h("41.25"));
    assert_eq!(
        shape(&r),
        [
            of(Topic::Ethics, "3.75"),
            (h("37.5"), None, false, false, vec![Topic::NonLegal])
        ]
    );
    assert_eq!(
        r.explanation(Locale::En)[1],
        "41.25 h were still missing on 31 Dec 2026: 3.75 h of ethics and 37.5 h outside non-legal subjects."
    );
    assert_eq!(
        r.explanation(Locale::Sv)[1],
        "41,25 h saknades den 31 dec 2026: 3,75 h etik och 37,5 h utanför icke-juridiska ämnen."
    );
    // Some room left under the cap: 8.75 more non-legal hours would still count.
    let r = run(
        "no-advokat",
        vec![
            on(Topic::NonLegal, entry("2024-03-01", "10", T, true)),
            entry("2025-03-01", "40", T, true),
        ],
        "2027-01-15",
    );
    assert_eq!(
        (r.shortfall, shape(&r)),
        (h("10"), vec![of(Topic::Ethics, "3.75"), general("6.25")])
    );
    // The total met, even above the cap: only the ethics are missing.
    let r = run(
        "no-advokat",
        vec![
            on(Topic::NonLegal, entry("2024-03-01", "30", T, true)),
            entry("2025-03-01", "70", T, true),
        ],
        "2027-01-15",
    );
    assert_eq!(
        (r.shortfall, shape(&r)),
        (h("3.75"), vec![of(Topic::Ethics, "3.75")])
    );
    assert_eq!(
        r.explanation(Locale::En)[1],
        "3.75 h were still missing on 31 Dec 2026, all of ethics."
    );
}

#[test]
fn denmark_needs_its_total_after_leave() {
    let mut l = log(vec![entry("2024-03-01", "20", T, true)]);
    l.leaves = vec![Leave {
        from: d("2026-01-01"),
        to: d("2026-12-31"),
    }];
    let r = evaluate(&set("dk-advokat"), &l, 2026, d("2027-01-15"));
    // 40.5 × 730/1095 = 27 required.
    assert_eq!((r.required, r.shortfall), (h("27"), h("7")));
    assert_eq!(shape(&r), [general("7")]);
}

#[test]
fn met_periods_say_no_shortfall_and_have_no_needs() {
    let r = run(
        "ie-solicitor",
        vec![
            entry("2026-03-01", "17", T, true),
            on(Topic::Wellbeing, entry("2026-04-01", "5", T, true)),
            on(Topic::ClientCare, entry("2026-05-01", "3", E, false)),
        ],
        "2026-06-01",
    );
    assert_eq!((r.status, r.shortfall), (Status::Compliant, Hours::ZERO));
    assert!(r.needs.is_empty());
    assert_eq!(
        r.explanation(Locale::En),
        ["You meet the 25-hour requirement for 2026 with 25 hours."]
    );
}
