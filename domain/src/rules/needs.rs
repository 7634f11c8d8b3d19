//! What is missing, as data (docs/rules.md §4–§5): the least additional hours that make a
//! period compliant, split into the kinds that must be logged ("5 h of wellbeing and 3 h of
//! client care", "20 h, all verifiable"), and the earlier years of a window that missed
//! their floor and can no longer be met.
//!
//! The calculators measure the gaps ([`Gaps`]); [`prescribe`] turns them into needs. A
//! prescription is exact: logging the needs as prescribed makes the period compliant
//! whichever way the freedom a need leaves is used (e-learning or teacher-led, any subject
//! but the excluded ones, verifiable or not), and a quarter hour less of any need does not.

use super::Topic;
use crate::{Date, Hours};
use serde::{Deserialize, Serialize};

/// Hours still to log of one kind. `Hours` serialize as a number of quarter hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub hours: Hours,
    /// Of this subject area; `None`: of any subject area except those in `not_topics`, or
    /// of none.
    #[serde(with = "topic_name")]
    pub topic: Option<Topic>,
    /// Not of these subject areas: their cap is reached, so such hours would not count.
    #[serde(with = "topic_names", default)]
    pub not_topics: Vec<Topic>,
    /// The hours must be verifiable (documented courses, seminars, e-learning).
    pub verifiable: bool,
    /// The hours must be teacher-led: more e-learning would exceed the cap and not count.
    pub teacher_led: bool,
    /// The last day they can be taken on: the end of the year they must fall in (for a
    /// window, its last year). Serialized as "YYYY-MM-DD".
    #[serde(with = "iso_date")]
    pub by: Date,
}

impl Need {
    /// Hours of no particular kind: any subject, either category, verifiable or not.
    pub fn is_general(&self) -> bool {
        self.topic.is_none() && self.not_topics.is_empty() && !self.verifiable && !self.teacher_led
    }
}

/// An earlier year of a window that missed its own floor (FAR's 20 hours every year) and is
/// over: no hour logged now can make up for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissedYear {
    pub year: i32,
    /// The year's floor.
    pub required: Hours,
    /// The hours the year had.
    pub counted: Hours,
}

impl MissedYear {
    /// What the year lacked.
    pub fn short(&self) -> Hours {
        self.required.saturating_sub(self.counted)
    }
}

/// What one deadline still lacks, measured by the calculators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gaps {
    pub by: Date,
    /// Hours missing that must count towards the total, after every cap.
    pub counted: Hours,
    /// Hours of any kind missing (a yearly floor that counts every hour).
    pub any: Hours,
    pub verifiable: Hours,
    /// Hours missing per subject minimum. A subject with a minimum is never capped.
    pub topics: Vec<(Topic, Hours)>,
    /// E-learning hours that would still count under the cap (`None`: no cap).
    pub e_learning_room: Option<Hours>,
    /// Per capped subject, the hours of it that would still count.
    pub topic_rooms: Vec<(Topic, Hours)>,
}

fn sum<'a>(hours: impl IntoIterator<Item = &'a Hours>) -> Hours {
    hours
        .into_iter()
        .fold(Hours::ZERO, |total, h| total.saturating_add(*h))
}

/// The total of some needs.
pub fn total(needs: &[Need]) -> Hours {
    sum(needs.iter().map(|n| &n.hours))
}

/// The least hours that close `gaps`, as needs in the order: subjects, verifiable, the rest.
///
/// Each hour added counts at most once towards each measure, and subjects are disjoint (an
/// entry has at most one), so `max(counted, any, verifiable, Σ subjects)` hours are needed;
/// they suffice because a subject or verifiable hour also counts towards the totals. Caps
/// only decide which of these hours must be teacher-led or outside a capped subject.
pub(crate) fn prescribe(gaps: &Gaps) -> Vec<Need> {
    let need = |hours, topic| Need {
        hours,
        topic,
        not_topics: Vec::new(),
        verifiable: false,
        teacher_led: false,
        by: gaps.by,
    };
    let topic_total = sum(gaps.topics.iter().map(|(_, h)| h));
    let all = gaps
        .counted
        .max(gaps.any)
        .max(gaps.verifiable)
        .max(topic_total);
    let mut needs: Vec<Need> = gaps
        .topics
        .iter()
        .filter(|(_, h)| *h > Hours::ZERO)
        .map(|&(t, h)| need(h, Some(t)))
        .collect();
    // Verifiable hours: subject hours first (one hour serves both), then hours of any subject.
    let topic_count = needs.len();
    let mut verifiable_left = mark(
        &mut needs,
        gaps.verifiable,
        &(0..topic_count).collect::<Vec<_>>(),
        |n| n.verifiable = true,
    );
    if verifiable_left > Hours::ZERO {
        let mut general = need(verifiable_left, None);
        general.verifiable = true;
        needs.push(general);
        verifiable_left = Hours::ZERO;
    }
    debug_assert_eq!(verifiable_left, Hours::ZERO);
    let rest = all.saturating_sub(total(&needs));
    if rest > Hours::ZERO {
        needs.push(need(rest, None));
    }

    // Hours without a subject could all be of a capped subject: beyond its room they would
    // not count, so enough of them must be of another subject. Subject hours count in full.
    let from_general = gaps.counted.saturating_sub(topic_total);
    if let Some(room) = gaps.topic_rooms.iter().map(|(_, r)| *r).min() {
        let capped: Vec<Topic> = gaps.topic_rooms.iter().map(|(t, _)| *t).collect();
        let order = general_first(&needs, false);
        mark(&mut needs, from_general.saturating_sub(room), &order, |n| {
            n.not_topics.clone_from(&capped)
        });
    }
    // Any hour could be e-learning: beyond the cap's room it would not count, so enough of
    // them must be teacher-led (hours without a subject first, then subject hours).
    if let Some(room) = gaps.e_learning_room {
        let order = general_first(&needs, true);
        mark(&mut needs, gaps.counted.saturating_sub(room), &order, |n| {
            n.teacher_led = true
        });
    }
    needs
}

/// Indices of the needs without a subject (non-verifiable first), then, if `with_topics`,
/// the subject needs.
fn general_first(needs: &[Need], with_topics: bool) -> Vec<usize> {
    let general = |verifiable: bool| {
        (0..needs.len())
            .filter(move |&i| needs[i].topic.is_none() && needs[i].verifiable == verifiable)
    };
    let mut order: Vec<usize> = general(false).chain(general(true)).collect();
    if with_topics {
        order.extend((0..needs.len()).filter(|&i| needs[i].topic.is_some()));
    }
    order
}

/// Applies `apply` to `amount` hours of the needs at `order` (in that order), splitting a
/// need where only part of it is marked (the marked part first). Returns what was left.
fn mark(
    needs: &mut Vec<Need>,
    mut amount: Hours,
    order: &[usize],
    apply: impl Fn(&mut Need),
) -> Hours {
    // Splits shift later indices; walk the chosen ones from the back so earlier stay valid,
    // but take hours in the chosen order.
    let mut takes: Vec<(usize, Hours)> = Vec::new();
    for &i in order {
        if amount == Hours::ZERO {
            break;
        }
        let take = needs[i].hours.min(amount);
        amount = amount.saturating_sub(take);
        takes.push((i, take));
    }
    takes.sort_by_key(|(i, _)| std::cmp::Reverse(*i));
    for (i, take) in takes {
        if take == needs[i].hours {
            apply(&mut needs[i]);
        } else {
            let mut part = needs[i].clone();
            part.hours = take;
            apply(&mut part);
            needs[i].hours = needs[i].hours.saturating_sub(take);
            needs.insert(i, part);
        }
    }
    amount
}

/// A date as "YYYY-MM-DD", as the command line's JSON writes dates (docs/rules.md §6).
mod iso_date {
    use crate::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(D::Error::custom)
    }
}

/// `Option<Topic>` by its name in docs/rules.md ("client-care").
mod topic_name {
    use super::Topic;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(topic: &Option<Topic>, s: S) -> Result<S::Ok, S::Error> {
        match topic {
            Some(t) => s.serialize_some(t.as_str()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Topic>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|name| {
                Topic::parse(&name)
                    .ok_or_else(|| D::Error::custom(format!("unknown topic {name:?}")))
            })
            .transpose()
    }
}

/// `Vec<Topic>` by their names in docs/rules.md.
mod topic_names {
    use super::Topic;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(topics: &[Topic], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(topics.iter().map(|t| t.as_str()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Topic>, D::Error> {
        Vec::<String>::deserialize(d)?
            .into_iter()
            .map(|name| {
                Topic::parse(&name)
                    .ok_or_else(|| D::Error::custom(format!("unknown topic {name:?}")))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gaps() -> Gaps {
        Gaps {
            by: Date::last_of_year(2026),
            counted: Hours::ZERO,
            any: Hours::ZERO,
            verifiable: Hours::ZERO,
            topics: Vec::new(),
            e_learning_room: None,
            topic_rooms: Vec::new(),
        }
    }

    fn shape(needs: &[Need]) -> Vec<(u32, Option<Topic>, bool, bool, usize)> {
        needs
            .iter()
            .map(|n| {
                (
                    n.hours.quarters() / 4,
                    n.topic,
                    n.verifiable,
                    n.teacher_led,
                    n.not_topics.len(),
                )
            })
            .collect()
    }

    #[test]
    fn subject_minimums_add_up_and_the_rest_is_of_any_kind() {
        let g = Gaps {
            counted: Hours::whole(15),
            topics: vec![
                (Topic::Wellbeing, Hours::whole(5)),
                (Topic::ClientCare, Hours::whole(3)),
            ],
            ..gaps()
        };
        assert_eq!(
            shape(&prescribe(&g)),
            [
                (5, Some(Topic::Wellbeing), false, false, 0),
                (3, Some(Topic::ClientCare), false, false, 0),
                (7, None, false, false, 0)
            ]
        );
    }

    #[test]
    fn verifiable_hours_go_to_subjects_first_and_caps_split_the_rest() {
        let g = Gaps {
            counted: Hours::whole(10),
            verifiable: Hours::whole(6),
            topics: vec![(Topic::Ethics, Hours::whole(4))],
            topic_rooms: vec![(Topic::NonLegal, Hours::whole(1))],
            ..gaps()
        };
        // 4 ethics (verifiable), 2 verifiable of any subject, 4 more; of the 6 without a
        // subject, 5 must count beyond the 1 non-legal hour that still would.
        assert_eq!(
            shape(&prescribe(&g)),
            [
                (4, Some(Topic::Ethics), true, false, 0),
                (1, None, true, false, 1),
                (1, None, true, false, 0),
                (4, None, false, false, 1)
            ]
        );
    }

    #[test]
    fn beyond_the_e_learning_room_hours_must_be_teacher_led() {
        let g = Gaps {
            counted: Hours::whole(8),
            e_learning_room: Some(Hours::whole(4)),
            ..gaps()
        };
        assert_eq!(
            shape(&prescribe(&g)),
            [(4, None, false, true, 0), (4, None, false, false, 0)]
        );
    }

    #[test]
    fn needs_serialize_with_the_names_of_the_rules() {
        let need = Need {
            hours: Hours::whole(3),
            topic: Some(Topic::ClientCare),
            not_topics: vec![Topic::NonLegal],
            verifiable: true,
            teacher_led: false,
            by: Date::last_of_year(2026),
        };
        let json = serde_json::to_string(&need).expect("json");
        assert_eq!(
            json,
            r#"{"hours":12,"topic":"client-care","not_topics":["non-legal"],"verifiable":true,"teacher_led":false,"by":"2026-12-31"}"#
        );
        assert_eq!(serde_json::from_str::<Need>(&json).expect("back"), need);
    }
}
