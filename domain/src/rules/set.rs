//! Rule sets as data (docs/rules.md §1–§3, §5): each is a list of versions with the first year
//! they apply, so a rule change takes effect on its date and earlier years keep the rules
//! of their time. The calculator reads only these parameters; nothing regulator-specific is
//! hard-wired in it.

use super::Topic;
use crate::Hours;

/// How the requirement is measured for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A requirement per calendar year (Swedish advokater, Ireland, Finland).
    Annual(Annual),
    /// Requirements over windows of calendar years ending with the year asked about
    /// (FAR, Revisorsinspektionen, Denmark, Norway).
    Windows(Vec<WindowRule>),
    /// No hours: a yearly declaration instead (England & Wales).
    Declaration,
    /// No requirement at all (people without a rule set).
    Nothing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annual {
    pub required: Hours,
    /// At most this many e-learning hours count in a year (not pro-rated).
    pub e_learning_cap: Option<Hours>,
    /// Surplus own hours that may carry into the next year only.
    pub carry_max: Hours,
    /// Leave of at least this many calendar months reduces the requirement pro rata.
    pub leave_min_months: Option<u32>,
    /// A recorded exemption is honoured from the year the person turns this age.
    pub exemption_age: Option<i32>,
    /// The requirement is suspended this year; up to `suspended_credit` logged hours carry
    /// into the next year.
    pub suspended: bool,
    pub suspended_credit: Hours,
    /// Minimum hours per subject area within the year.
    pub topic_minimums: Vec<(Topic, Hours)>,
}

/// One requirement over the `years` calendar years ending with the year asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowRule {
    pub name: &'static str,
    pub years: i32,
    /// Checked separately for each year of the span (FAR's 20 hours every year).
    pub each_year: bool,
    pub required: Option<Hours>,
    pub required_verifiable: Option<Hours>,
    pub topic_minimums: Vec<(Topic, Hours)>,
    /// Hours of a subject area above the cap do not count (Norway: non-legal subjects).
    pub topic_caps: Vec<(Topic, Hours)>,
    /// Reduction for a continuous leave of at least `min_months`.
    pub leave: Option<WindowLeave>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowLeave {
    /// In proportion to the days of the window spent on leave.
    ProRata { min_months: u32 },
    /// A fixed amount per whole quarter (three months) of leave.
    PerQuarter { min_months: u32, hours: Hours },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// Minutes in one of the regulator's hours. Requirements below are already converted to
    /// clock hours (54 lessons of 45 minutes = 40.5 hours), because people log clock time.
    pub unit_minutes: u32,
    /// Whether the regulator's published details are confirmed (docs/rules.md marks some not).
    pub confirmed: bool,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub id: &'static str,
    /// Versions in order of `from_year`; the first applies to every earlier year too.
    pub versions: Vec<(i32, Params)>,
}

/// Every rule set the product knows, by id.
pub const IDS: [&str; 9] = [
    "se-advokat",
    "se-revisor-far",
    "se-revisor-ri",
    "dk-advokat",
    "no-advokat",
    "fi-asianajaja",
    "ie-solicitor",
    "ew-sra",
    "none",
];

/// A requirement in the regulator's units, converted to clock hours (quarter hours).
const fn units(count: u32, minutes: u32) -> Hours {
    Hours::from_quarters(count * minutes / 15)
}

impl RuleSet {
    pub fn by_id(id: &str) -> Option<RuleSet> {
        let id = IDS.iter().copied().find(|known| *known == id)?;
        let versions = match id {
            "se-advokat" => {
                let base = Annual {
                    required: Hours::whole(18),
                    e_learning_cap: Some(Hours::whole(6)),
                    carry_max: Hours::whole(12),
                    leave_min_months: Some(3),
                    exemption_age: Some(70),
                    suspended: false,
                    suspended_credit: Hours::ZERO,
                    topic_minimums: Vec::new(),
                };
                let suspended = Annual {
                    suspended: true,
                    suspended_credit: Hours::whole(12),
                    ..base.clone()
                };
                vec![
                    (1900, swedish(Kind::Annual(base.clone()))),
                    (2020, swedish(Kind::Annual(suspended))),
                    // Riktlinjer revised 4 Dec 2020; the figures stayed the same.
                    (2021, swedish(Kind::Annual(base))),
                ]
            }
            "se-revisor-far" => {
                let three_years = WindowRule {
                    name: "far-3y",
                    years: 3,
                    each_year: false,
                    required: Some(Hours::whole(120)),
                    required_verifiable: Some(Hours::whole(60)),
                    topic_minimums: Vec::new(),
                    topic_caps: Vec::new(),
                    leave: None,
                };
                let every_year = WindowRule {
                    name: "far-year",
                    each_year: true,
                    required: Some(Hours::whole(20)),
                    required_verifiable: None,
                    ..three_years.clone()
                };
                vec![(1900, swedish(Kind::Windows(vec![three_years, every_year])))]
            }
            "se-revisor-ri" => vec![(
                1900,
                swedish(Kind::Windows(vec![WindowRule {
                    name: "ri-5y",
                    years: 5,
                    each_year: false,
                    required: None,
                    required_verifiable: Some(Hours::whole(100)),
                    topic_minimums: Vec::new(),
                    topic_caps: Vec::new(),
                    leave: None,
                }])),
            )],
            "dk-advokat" => vec![(
                1900,
                Params {
                    unit_minutes: 45,
                    confirmed: true,
                    kind: Kind::Windows(vec![WindowRule {
                        name: "dk-3y",
                        years: 3,
                        each_year: false,
                        required: Some(units(54, 45)),
                        required_verifiable: None,
                        topic_minimums: Vec::new(),
                        topic_caps: Vec::new(),
                        leave: Some(WindowLeave::ProRata { min_months: 3 }),
                    }]),
                },
            )],
            "no-advokat" => vec![(
                1900,
                Params {
                    unit_minutes: 45,
                    confirmed: true,
                    kind: Kind::Windows(vec![WindowRule {
                        name: "no-5y",
                        years: 5,
                        each_year: false,
                        required: Some(units(80, 45)),
                        required_verifiable: None,
                        topic_minimums: vec![(Topic::Ethics, units(5, 45))],
                        topic_caps: vec![(Topic::NonLegal, units(25, 45))],
                        leave: Some(WindowLeave::PerQuarter {
                            min_months: 6,
                            hours: units(4, 45),
                        }),
                    }]),
                },
            )],
            "fi-asianajaja" => vec![(
                1900,
                Params {
                    unit_minutes: 60,
                    confirmed: false,
                    kind: Kind::Annual(Annual {
                        required: Hours::whole(18),
                        e_learning_cap: None,
                        carry_max: Hours::ZERO,
                        leave_min_months: None,
                        exemption_age: None,
                        suspended: false,
                        suspended_credit: Hours::ZERO,
                        topic_minimums: Vec::new(),
                    }),
                },
            )],
            "ie-solicitor" => vec![(
                1900,
                Params {
                    unit_minutes: 60,
                    confirmed: true,
                    kind: Kind::Annual(Annual {
                        required: Hours::whole(25),
                        e_learning_cap: None,
                        carry_max: Hours::ZERO,
                        leave_min_months: None,
                        exemption_age: None,
                        suspended: false,
                        suspended_credit: Hours::ZERO,
                        topic_minimums: vec![
                            (Topic::Wellbeing, Hours::whole(5)),
                            (Topic::ClientCare, Hours::whole(3)),
                        ],
                    }),
                },
            )],
            "ew-sra" => vec![(1900, swedish(Kind::Declaration))],
            _ => vec![(1900, swedish(Kind::Nothing))],
        };
        Some(RuleSet { id, versions })
    }

    /// The parameters in force for `year`.
    pub fn params(&self, year: i32) -> &Params {
        self.versions
            .iter()
            .rev()
            .find(|(from, _)| *from <= year)
            .or_else(|| self.versions.first())
            .map(|(_, p)| p)
            .expect("a rule set has at least one version")
    }
}

fn swedish(kind: Kind) -> Params {
    Params {
        unit_minutes: 60,
        confirmed: true,
        kind,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_has_rules_and_unknown_ids_have_none() {
        for id in IDS {
            let set = RuleSet::by_id(id).expect(id);
            assert_eq!(set.id, id);
            assert!(!set.versions.is_empty());
        }
        assert!(RuleSet::by_id("se-advokatt").is_none());
    }

    #[test]
    fn versions_apply_from_their_year() {
        let set = RuleSet::by_id("se-advokat").expect("set");
        let suspended = |y| matches!(&set.params(y).kind, Kind::Annual(a) if a.suspended);
        assert!(!suspended(2019));
        assert!(suspended(2020));
        assert!(!suspended(2021));
        assert!(!suspended(1850));
    }

    #[test]
    fn units_of_45_minutes_convert_to_clock_hours() {
        assert_eq!(units(54, 45), Hours::parse("40.5").expect("h"));
        assert_eq!(units(80, 45), Hours::whole(60));
        assert_eq!(units(5, 45), Hours::parse("3.75").expect("h"));
    }
}
