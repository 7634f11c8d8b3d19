//! The CPD rules (docs/rules.md). Pure functions over a person's log; no I/O, so the same code
//! answers on the server and, compiled to WASM, in the browser.
//!
//! Rule sets are data ([`set`]); one calculator answers for any of them: [`annual`] for
//! requirements per calendar year, [`window`] for requirements over several years.

pub mod annual;
pub mod explain;
pub mod leave;
pub mod needs;
pub mod set;
pub mod window;

pub use explain::{Locale, Reason};
pub use needs::{MissedYear, Need};
pub use set::RuleSet;

use crate::{Date, Hours};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    /// Courses, seminars, conferences, live-streamed courses, teaching on a course.
    TeacherLed,
    /// Courses that end with a real test.
    ELearning,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::TeacherLed => "teacher-led",
            Category::ELearning => "e-learning",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        match text {
            "teacher-led" => Some(Category::TeacherLed),
            "e-learning" => Some(Category::ELearning),
            _ => None,
        }
    }
}

/// Subject areas some regulators set minimums or caps for (docs/rules.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Topic {
    Ethics,
    NonLegal,
    Wellbeing,
    ClientCare,
}

impl Topic {
    pub const ALL: [Topic; 4] = [
        Topic::Ethics,
        Topic::NonLegal,
        Topic::Wellbeing,
        Topic::ClientCare,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Ethics => "ethics",
            Topic::NonLegal => "non-legal",
            Topic::Wellbeing => "wellbeing",
            Topic::ClientCare => "client-care",
        }
    }

    pub fn parse(text: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub date: Date,
    pub hours: Hours,
    pub category: Category,
    pub verifiable: bool,
    #[serde(default)]
    pub topic: Option<Topic>,
}

/// A period away (illness, parental leave, …); both days inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leave {
    pub from: Date,
    pub to: Date,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub admitted: Option<Date>,
    pub born: Option<Date>,
}

/// Everything the calculator reads about one person.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Log {
    pub profile: Profile,
    pub entries: Vec<Entry>,
    pub leaves: Vec<Leave>,
    /// Years with a recorded age-70 exemption.
    pub exemptions_age_70: Vec<i32>,
}

/// Written in JSON as [`Status::as_str`] spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Compliant,
    OnTrack,
    AtRisk,
    NonCompliant,
    Exempt,
    NotRequired,
}

impl Status {
    /// The status as docs/rules.md §6 spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Compliant => "compliant",
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::NonCompliant => "non-compliant",
            Status::Exempt => "exempt",
            Status::NotRequired => "not-required",
        }
    }
}

/// One requirement checked over a span of years (docs/rules.md §6 `windows`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowResult {
    pub name: String,
    pub from: i32,
    pub to: i32,
    pub required: Option<Hours>,
    pub counted: Hours,
    pub required_verifiable: Option<Hours>,
    pub verifiable: Option<Hours>,
    pub ok: bool,
    /// A subject-area minimum (`required` hours of this topic), not a total.
    #[serde(default)]
    pub topic: Option<Topic>,
    /// One year's own floor (FAR's 20 hours every year), not a total over the span.
    #[serde(default)]
    pub every_year: bool,
}

impl WindowResult {
    pub fn shortfall(&self) -> Hours {
        let total = self
            .required
            .map_or(Hours::ZERO, |r| r.saturating_sub(self.counted));
        let verifiable = self.required_verifiable.map_or(Hours::ZERO, |r| {
            r.saturating_sub(self.verifiable.unwrap_or(Hours::ZERO))
        });
        total.max(verifiable)
    }
}

/// The answer for one person, rule set and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub rule_set: &'static str,
    pub year: i32,
    pub status: Status,
    pub required: Hours,
    /// Carried-in hours plus the year's own counted hours (for window rule sets: the main
    /// window's figure).
    pub counted: Hours,
    pub carried_in: Hours,
    pub carry_out: Hours,
    /// The least additional hours that make the period compliant: the total of `needs`,
    /// plus what each of `missed_years` lacked (those can no longer be made up). Zero
    /// exactly when the status is compliant, exempt or not-required.
    pub shortfall: Hours,
    /// The year's own counted hours per category, after caps, without carried-in hours.
    pub teacher_led: Hours,
    pub e_learning: Hours,
    /// E-learning hours the cap dropped.
    pub excluded_e_learning: Hours,
    pub windows: Vec<WindowResult>,
    /// What is still to be logged, by kind and deadline; logged as prescribed, these make
    /// the period compliant unless `missed_years` is not empty.
    pub needs: Vec<Need>,
    /// Earlier years of a window that missed their floor and are over.
    pub missed_years: Vec<MissedYear>,
    /// The first year the answer covers: `year` for annual rule sets, the first year of the
    /// longest window for window rule sets.
    pub from: i32,
    /// The date of the evaluation.
    pub as_of: Date,
    /// The sentences, composed from the fields above by [`explain::compose`].
    pub reasons: Vec<Reason>,
}

impl Evaluation {
    pub fn explanation(&self, locale: Locale) -> Vec<String> {
        self.reasons.iter().map(|r| r.text(locale)).collect()
    }

    /// The hours that can still be logged towards compliance (the total of `needs`).
    pub fn still_to_log(&self) -> Hours {
        needs::total(&self.needs)
    }

    /// Whether logging `needs` would make the period compliant: no earlier year of it is
    /// past repair.
    pub fn can_still_be_met(&self) -> bool {
        self.missed_years.is_empty()
    }

    /// A result with nothing counted yet and nothing required.
    fn blank(rule_set: &'static str, year: i32, as_of: Date) -> Evaluation {
        Evaluation {
            rule_set,
            year,
            status: Status::NotRequired,
            required: Hours::ZERO,
            counted: Hours::ZERO,
            carried_in: Hours::ZERO,
            carry_out: Hours::ZERO,
            shortfall: Hours::ZERO,
            teacher_led: Hours::ZERO,
            e_learning: Hours::ZERO,
            excluded_e_learning: Hours::ZERO,
            windows: Vec::new(),
            needs: Vec::new(),
            missed_years: Vec::new(),
            from: year,
            as_of,
            reasons: Vec::new(),
        }
    }
}

/// Courses of `year` dated after `as_of`: logged ahead, so not counted yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotYetCounted {
    pub count: usize,
    pub hours: Hours,
    /// The earliest of them.
    pub first: Date,
}

/// What of `year` the calculator leaves out on `as_of` because it lies ahead, if anything.
pub fn not_yet_counted(log: &Log, year: i32, as_of: Date) -> Option<NotYetCounted> {
    let ahead: Vec<&Entry> = log
        .entries
        .iter()
        .filter(|e| e.date.year() == year && e.date > as_of)
        .collect();
    let first = ahead.iter().map(|e| e.date).min()?;
    Some(NotYetCounted {
        count: ahead.len(),
        hours: ahead
            .iter()
            .fold(Hours::ZERO, |sum, e| sum.saturating_add(e.hours)),
        first,
    })
}

/// The answer for `year` under `set`, as known on `as_of` (entries dated later are not
/// yet taken).
pub fn evaluate(set: &RuleSet, log: &Log, year: i32, as_of: Date) -> Evaluation {
    let params = set.params(year);
    let (mut result, mut notes) = match &params.kind {
        set::Kind::Annual(_) => annual::evaluate_with_notes(set, log, year, as_of),
        set::Kind::Windows(rules) => window::evaluate_with_notes(set.id, rules, log, year, as_of),
        set::Kind::Declaration | set::Kind::Nothing => {
            let (teacher_led, e_learning) = own_by_category(log, year, as_of);
            let result = Evaluation {
                counted: teacher_led.saturating_add(e_learning),
                teacher_led,
                e_learning,
                ..Evaluation::blank(set.id, year, as_of)
            };
            let note = if params.kind == set::Kind::Declaration {
                Reason::Declaration
            } else {
                Reason::NoRuleSet
            };
            (result, vec![note])
        }
    };
    if params.unit_minutes != 60 {
        notes.push(Reason::Units {
            minutes: params.unit_minutes,
        });
    }
    if !params.confirmed {
        notes.push(Reason::Unconfirmed);
    }
    result.reasons = explain::compose(&result, &notes);
    result
}

/// The entries of `year` taken by `as_of`.
pub fn taken(log: &Log, year: i32, as_of: Date) -> impl Iterator<Item = &Entry> {
    log.entries
        .iter()
        .filter(move |e| e.date.year() == year && e.date <= as_of)
}

/// The year's logged hours per category, before any cap: (teacher-led, e-learning).
pub fn own_by_category(log: &Log, year: i32, as_of: Date) -> (Hours, Hours) {
    taken(log, year, as_of).fold((Hours::ZERO, Hours::ZERO), |(t, e), entry| {
        match entry.category {
            Category::TeacherLed => (t.saturating_add(entry.hours), e),
            Category::ELearning => (t, e.saturating_add(entry.hours)),
        }
    })
}

/// Hours logged in each month of `year` (index 0 = January).
pub fn by_month(log: &Log, year: i32, as_of: Date) -> [Hours; 12] {
    let mut months = [Hours::ZERO; 12];
    for entry in taken(log, year, as_of) {
        let m = usize::from(entry.date.month() - 1);
        months[m] = months[m].saturating_add(entry.hours);
    }
    months
}

/// While the year runs, "on pace" means at least the share of `required` that the share of
/// the year gone by `as_of` calls for (our documented choice, docs/rules.md §6).
pub fn expected_by(required: Hours, year: i32, as_of: Date) -> Hours {
    let start = Date::first_of_year(year).to_unix_days();
    let days = Date::days_in_year(year);
    let elapsed = (as_of.to_unix_days() - start + 1).clamp(0, days);
    let quarters = i64::from(required.quarters()) * elapsed / days;
    Hours::from_quarters(u32::try_from(quarters).unwrap_or(0))
}
