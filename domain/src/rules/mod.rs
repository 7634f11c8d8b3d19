//! The CPD rules (RULES.md). Pure functions over a person's log; no I/O, so the same code
//! answers on the server and, compiled to WASM, in the browser.
//!
//! Only Sveriges advokatsamfund's rules (`se-advokat`) are here so far; the other rule sets
//! and the command-line contract of RULES.md §6 build on these types.

pub mod advokat;
pub mod leave;

use crate::{Date, Hours};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    /// Courses, seminars, conferences, live-streamed courses, teaching on a course.
    TeacherLed,
    /// Courses that end with a real test.
    ELearning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub date: Date,
    pub hours: Hours,
    pub category: Category,
    pub verifiable: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    Compliant,
    OnTrack,
    AtRisk,
    NonCompliant,
    Exempt,
    NotRequired,
}

impl Status {
    /// The status as RULES.md §6 spells it.
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

/// One year's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearResult {
    pub year: i32,
    pub status: Status,
    pub required: Hours,
    /// Carried-in hours plus the year's own counted hours.
    pub counted: Hours,
    pub carried_in: Hours,
    pub carry_out: Hours,
    pub shortfall: Hours,
    pub teacher_led: Hours,
    /// E-learning hours that count (after the cap).
    pub e_learning: Hours,
    /// E-learning hours the cap dropped.
    pub excluded_e_learning: Hours,
    /// Sentences a person can read, in English.
    pub explanation: Vec<String>,
}
