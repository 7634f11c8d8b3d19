//! `cpd-registry compliance`: the calculator's command-line contract (docs/rules.md §6). JSON on
//! stdin, JSON on stdout; bad input is an error message and nothing on stdout.

use domain::entry_draft::{DAYS_AHEAD, EARLIEST_YEAR, MAX_HOURS};
use domain::rules::{self, Evaluation, Leave, Log, Profile, RuleSet};
use domain::{Date, EntryDraft, EntryField, EntryProblem, Hours};
use serde::Deserialize;
use serde_json::{Map, Value, json};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    rule_set: String,
    year: i32,
    as_of: Option<String>,
    #[serde(default)]
    profile: InputProfile,
    #[serde(default)]
    entries: Vec<InputEntry>,
    #[serde(default)]
    leaves: Vec<InputLeave>,
    #[serde(default)]
    exemptions: Vec<InputExemption>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputProfile {
    admitted: Option<String>,
    born: Option<String>,
}

#[derive(Debug, Deserialize)]
struct InputEntry {
    date: String,
    hours: f64,
    category: String,
    #[serde(default = "yes")]
    verifiable: bool,
    /// Our extension for the regimes with subject-area rules (docs/rules.md §3).
    topic: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputLeave {
    from: String,
    to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InputExemption {
    year: i32,
    kind: String,
}

fn date(text: &str, what: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|_| format!("{what}: {text:?} is not a date (YYYY-MM-DD)"))
}

/// What is wrong with an entry's field, said after the value.
fn explain(problem: EntryProblem) -> String {
    match problem {
        EntryProblem::DateUnreadable => "is not a date (YYYY-MM-DD)".into(),
        EntryProblem::DateOutOfRange => {
            format!("is out of range (from {EARLIEST_YEAR} to {DAYS_AHEAD} days after today)")
        }
        EntryProblem::HoursOutOfRange => {
            format!(
                "is not a number of quarter hours above 0 and at most {MAX_HOURS} (such as 1.5)"
            )
        }
        EntryProblem::CategoryChoice => "is not teacher-led or e-learning".into(),
        EntryProblem::TopicChoice => "is unknown".into(),
        EntryProblem::TitleRequired | EntryProblem::TooLong { .. } => "is not accepted".into(),
    }
}

/// Reads the input, evaluates, and writes the output document.
pub fn run(input: &str, today: Date) -> Result<String, String> {
    let input: Input =
        serde_json::from_str(input).map_err(|e| format!("the input is not valid: {e}"))?;
    let set = RuleSet::by_id(&input.rule_set).ok_or_else(|| {
        format!(
            "unknown rule_set {:?}; known: {}",
            input.rule_set,
            rules::set::IDS.join(", ")
        )
    })?;
    if !(1900..=2999).contains(&input.year) {
        return Err(format!("year: {} is out of range", input.year));
    }
    let as_of = match &input.as_of {
        Some(text) => date(text, "as_of")?,
        None => today,
    };
    let profile = Profile {
        admitted: input
            .profile
            .admitted
            .as_deref()
            .map(|t| date(t, "profile.admitted"))
            .transpose()?,
        born: input
            .profile
            .born
            .as_deref()
            .map(|t| date(t, "profile.born"))
            .transpose()?,
    };
    let mut entries = Vec::with_capacity(input.entries.len());
    for (i, e) in input.entries.iter().enumerate() {
        let what = format!("entries[{i}]");
        // The same check as the entry form and the CSV import (the domain's draft).
        let draft = EntryDraft {
            date: e.date.clone(),
            hours: e.hours.to_string(),
            category: e.category.clone(),
            verifiable: e.verifiable,
            topic: e.topic.clone().unwrap_or_default(),
            ..EntryDraft::default()
        };
        let entry = draft.counted(today).map_err(|errors| {
            errors
                .0
                .iter()
                .map(|(field, problem)| {
                    let typed = match field {
                        EntryField::Date => e.date.clone(),
                        EntryField::Hours => e.hours.to_string(),
                        EntryField::Category => e.category.clone(),
                        _ => e.topic.clone().unwrap_or_default(),
                    };
                    format!("{what}.{}: {typed:?} {}", field.name(), explain(*problem))
                })
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        entries.push(entry);
    }
    let mut leaves = Vec::with_capacity(input.leaves.len());
    for (i, l) in input.leaves.iter().enumerate() {
        let leave = Leave {
            from: date(&l.from, &format!("leaves[{i}].from"))?,
            to: date(&l.to, &format!("leaves[{i}].to"))?,
        };
        if leave.to < leave.from {
            return Err(format!("leaves[{i}]: `to` is before `from`"));
        }
        leaves.push(leave);
    }
    let mut exemptions_age_70 = Vec::new();
    for (i, x) in input.exemptions.iter().enumerate() {
        if x.kind != "age-70" {
            return Err(format!(
                "exemptions[{i}].kind: {:?} is unknown (age-70)",
                x.kind
            ));
        }
        exemptions_age_70.push(x.year);
    }
    let log = Log {
        profile,
        entries,
        leaves,
        exemptions_age_70,
    };
    let result = rules::evaluate(&set, &log, input.year, as_of);
    serde_json::to_string_pretty(&output(&result)).map_err(|e| e.to_string())
}

/// The output document of docs/rules.md §6.
pub fn output(r: &Evaluation) -> Value {
    let windows: Vec<Value> = r
        .windows
        .iter()
        .map(|w| {
            let mut o = Map::new();
            o.insert("name".into(), json!(w.name));
            o.insert("from".into(), json!(w.from));
            o.insert("to".into(), json!(w.to));
            if let Some(required) = w.required {
                o.insert("required".into(), json!(required.as_f64()));
                o.insert("counted".into(), json!(w.counted.as_f64()));
            }
            if let Some(required) = w.required_verifiable {
                o.insert("required_verifiable".into(), json!(required.as_f64()));
                let verifiable = w.verifiable.unwrap_or(Hours::ZERO);
                o.insert("verifiable".into(), json!(verifiable.as_f64()));
            }
            o.insert("ok".into(), json!(w.ok));
            Value::Object(o)
        })
        .collect();
    json!({
        "rule_set": r.rule_set,
        "year": r.year,
        "status": r.status.as_str(),
        "required": r.required.as_f64(),
        "counted": r.counted.as_f64(),
        "carried_in": r.carried_in.as_f64(),
        "carry_out": r.carry_out.as_f64(),
        "shortfall": r.shortfall.as_f64(),
        "by_category": {
            "teacher-led": r.teacher_led.as_f64(),
            "e-learning": r.e_learning.as_f64(),
        },
        "excluded": { "e-learning-cap": r.excluded_e_learning.as_f64() },
        "windows": windows,
        "missing": missing(r),
        "explanation": r.explanation(rules::Locale::En),
    })
}

/// What is still to log, by kind and deadline, and the earlier years that can no longer be
/// met: the same data the dashboard's next step is made from.
fn missing(r: &Evaluation) -> Value {
    let needs: Vec<Value> = r
        .needs
        .iter()
        .map(|n| {
            json!({
                "hours": n.hours.as_f64(),
                "topic": n.topic.map(|t| t.as_str()),
                "not_topics": n.not_topics.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
                "verifiable": n.verifiable,
                "teacher_led": n.teacher_led,
                "by": n.by.to_string(),
            })
        })
        .collect();
    let missed: Vec<Value> = r
        .missed_years
        .iter()
        .map(|m| {
            json!({
                "year": m.year,
                "required": m.required.as_f64(),
                "counted": m.counted.as_f64(),
                "short": m.short().as_f64(),
            })
        })
        .collect();
    json!({
        "still_to_log": r.still_to_log().as_f64(),
        "needs": needs,
        "missed_years": missed,
        "can_still_be_met": r.can_still_be_met(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::parse("2027-01-15").expect("date")
    }

    #[test]
    fn the_example_of_the_contract() {
        let input = r#"{ "rule_set": "se-advokat", "year": 2026, "as_of": "2027-01-15",
          "profile": { "admitted": "2019-05-01", "born": "1961-03-02" },
          "entries": [ { "date": "2026-03-01", "hours": 3.5, "category": "teacher-led", "verifiable": true },
                       { "date": "2026-09-01", "hours": 9, "category": "e-learning" } ],
          "leaves": [ { "from": "2026-01-01", "to": "2026-06-30" } ],
          "exemptions": [ { "year": 2026, "kind": "age-70" } ] }"#;
        let out: Value = serde_json::from_str(&run(input, today()).expect("runs")).expect("json");
        assert_eq!(out["rule_set"], "se-advokat");
        assert_eq!(out["status"], "compliant");
        // 181 of 365 days on leave: 18 × 184/365 = 9.07 → 9.
        assert_eq!(out["required"], 9.0);
        assert_eq!(out["counted"], 9.5);
        assert_eq!(out["shortfall"], 0.0);
        assert_eq!(out["by_category"]["e-learning"], 6.0);
        assert_eq!(out["excluded"]["e-learning-cap"], 3.0);
        assert_eq!(out["windows"], json!([]));
        let explanation = out["explanation"].as_array().expect("sentences");
        assert!(
            explanation
                .iter()
                .any(|s| s.as_str().is_some_and(|s| s.starts_with("Warning:")))
        );
    }

    #[test]
    fn the_missing_hours_are_broken_down_by_kind() {
        // Ireland: 25 general hours meet the total but neither subject minimum.
        let input = r#"{ "rule_set": "ie-solicitor", "year": 2026, "as_of": "2026-06-01",
          "entries": [ { "date": "2026-03-01", "hours": 12.5, "category": "teacher-led" },
                       { "date": "2026-03-02", "hours": 12.5, "category": "teacher-led" } ] }"#;
        let out: Value = serde_json::from_str(&run(input, today()).expect("runs")).expect("json");
        assert_eq!(out["shortfall"], 8.0);
        let missing = &out["missing"];
        assert_eq!(missing["still_to_log"], 8.0);
        assert_eq!(missing["can_still_be_met"], true);
        let kinds: Vec<(f64, &str, &str)> = missing["needs"]
            .as_array()
            .expect("needs")
            .iter()
            .map(|n| {
                (
                    n["hours"].as_f64().expect("hours"),
                    n["topic"].as_str().expect("topic"),
                    n["by"].as_str().expect("by"),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (5.0, "wellbeing", "2026-12-31"),
                (3.0, "client-care", "2026-12-31")
            ]
        );
        assert_eq!(missing["missed_years"], json!([]));
    }

    #[test]
    fn revisor_windows_are_listed() {
        let input = r#"{ "rule_set": "se-revisor-ri", "year": 2026, "as_of": "2027-01-15",
          "entries": [ { "date": "2024-03-01", "hours": 24, "category": "teacher-led" },
                       { "date": "2024-03-02", "hours": 24, "category": "teacher-led" },
                       { "date": "2024-03-03", "hours": 24, "category": "teacher-led" },
                       { "date": "2024-03-04", "hours": 24, "category": "teacher-led" },
                       { "date": "2024-03-05", "hours": 4, "category": "teacher-led" } ] }"#;
        let out: Value = serde_json::from_str(&run(input, today()).expect("runs")).expect("json");
        assert_eq!(out["status"], "compliant");
        assert_eq!(
            out["windows"],
            json!([{ "name": "ri-5y", "from": 2022, "to": 2026, "required_verifiable": 100.0, "verifiable": 100.0, "ok": true }])
        );
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        for (input, says) in [
            (
                r#"{"rule_set": "se-nope", "year": 2026}"#,
                "unknown rule_set",
            ),
            (
                r#"{"rule_set": "se-advokat", "year": 2026, "as_of": "2026-13-01"}"#,
                "as_of",
            ),
            (
                r#"{"rule_set": "se-advokat", "year": 2026, "entries": [{"date": "2026-01-01", "hours": -1, "category": "teacher-led"}]}"#,
                "entries[0].hours",
            ),
            (
                r#"{"rule_set": "se-advokat", "year": 2026, "entries": [{"date": "2026-01-01", "hours": 1.1, "category": "teacher-led"}]}"#,
                "quarter hours",
            ),
            (
                r#"{"rule_set": "se-advokat", "year": 2026, "entries": [{"date": "2026-01-01", "hours": 1, "category": "webinar"}]}"#,
                "category",
            ),
            // The entry form's limits hold here too (one check for every way in).
            (
                r#"{"rule_set": "se-advokat", "year": 2026, "entries": [{"date": "2026-01-01", "hours": 30, "category": "teacher-led"}]}"#,
                "entries[0].hours: \"30\" is not a number of quarter hours above 0 and at most 24",
            ),
            (
                r#"{"rule_set": "se-advokat", "year": 2026, "entries": [{"date": "2036-01-01", "hours": 1, "category": "teacher-led"}]}"#,
                "entries[0].date: \"2036-01-01\" is out of range",
            ),
            ("not json", "not valid"),
        ] {
            let error = run(input, today()).expect_err(input);
            assert!(error.contains(says), "{error}");
        }
    }
}
