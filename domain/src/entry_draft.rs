//! A course as a person typed it, and the one check that turns it into a course to store.
//!
//! The entry form's live preview (in the browser), the server functions that save an
//! entry, the CSV import and the command line all parse through [`EntryDraft::parse`], so
//! the preview never counts an entry the server would refuse and the server never refuses
//! one the preview counted. Problems are data ([`EntryProblem`]), named by field; the app
//! says each in the person's language.

use crate::limits;
use crate::rules::{Category, Entry, Topic};
use crate::{Date, Hours};

/// At most this many hours in one entry (one day).
pub const MAX_HOURS: Hours = Hours::whole(24);
/// The earliest year a course may be dated in.
pub const EARLIEST_YEAR: i32 = 1950;
/// How far ahead a planned course may be dated, in days from today (a typo like 2062 is
/// refused; a course booked for next autumn is not).
pub const DAYS_AHEAD: i64 = 366;

/// The entry form's fields, as typed (nothing trimmed or checked yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryDraft {
    pub date: String,
    pub title: String,
    pub provider: String,
    pub hours: String,
    pub category: String,
    pub verifiable: bool,
    /// Empty for no topic.
    pub topic: String,
    pub notes: String,
}

/// The fields of the entry form, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryField {
    Date,
    Title,
    Provider,
    Hours,
    Category,
    Topic,
    Notes,
}

impl EntryField {
    /// The field's name in the form (also the input's id).
    pub fn name(self) -> &'static str {
        match self {
            EntryField::Date => "date",
            EntryField::Title => "title",
            EntryField::Provider => "provider",
            EntryField::Hours => "hours",
            EntryField::Category => "category",
            EntryField::Topic => "topic",
            EntryField::Notes => "notes",
        }
    }

    /// Whether the field changes what the entry counts for (the preview needs these).
    pub fn counts(self) -> bool {
        matches!(
            self,
            EntryField::Date | EntryField::Hours | EntryField::Category | EntryField::Topic
        )
    }
}

/// What is wrong with one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryProblem {
    /// Not a date the form understands.
    DateUnreadable,
    /// Before [`EARLIEST_YEAR`] or more than [`DAYS_AHEAD`] days ahead.
    DateOutOfRange,
    TitleRequired,
    /// Longer than `max` characters.
    TooLong {
        max: usize,
    },
    /// Not a number of quarter hours above 0 and at most [`MAX_HOURS`].
    HoursOutOfRange,
    CategoryChoice,
    TopicChoice,
}

/// Every wrong field of a draft, in the form's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryErrors(pub Vec<(EntryField, EntryProblem)>);

impl EntryErrors {
    /// The problem with `field`, if it has one.
    pub fn get(&self, field: EntryField) -> Option<EntryProblem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| *p)
    }

    /// Whether only fields that do not change the count are wrong.
    pub fn only_uncounted(&self) -> bool {
        self.0.iter().all(|(f, _)| !f.counts())
    }
}

/// A course that passed the check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidEntry {
    pub date: Date,
    pub title: String,
    pub provider: String,
    pub hours: Hours,
    pub category: Category,
    pub verifiable: bool,
    pub topic: Option<Topic>,
    pub notes: String,
}

impl ValidEntry {
    /// What the calculator counts of it.
    pub fn to_entry(&self) -> Entry {
        Entry {
            date: self.date,
            hours: self.hours,
            category: self.category,
            verifiable: self.verifiable,
            topic: self.topic,
        }
    }
}

/// Collects each field's problem while the others are still checked.
#[derive(Default)]
struct Problems(Vec<(EntryField, EntryProblem)>);

impl Problems {
    fn check<T>(&mut self, field: EntryField, result: Result<T, EntryProblem>) -> Option<T> {
        result.map_err(|problem| self.0.push((field, problem))).ok()
    }
}

fn trimmed(text: &str, max: usize) -> Result<String, EntryProblem> {
    let text = text.trim();
    if text.chars().count() > max {
        Err(EntryProblem::TooLong { max })
    } else {
        Ok(text.to_owned())
    }
}

impl EntryDraft {
    fn date(&self, today: Date) -> Result<Date, EntryProblem> {
        let date = Date::parse(self.date.trim()).map_err(|_| EntryProblem::DateUnreadable)?;
        let latest = Date::from_unix_days(today.to_unix_days() + DAYS_AHEAD);
        if date > latest || date.year() < EARLIEST_YEAR {
            return Err(EntryProblem::DateOutOfRange);
        }
        Ok(date)
    }

    fn hours(&self) -> Result<Hours, EntryProblem> {
        Hours::parse(&self.hours)
            .ok()
            .filter(|h| *h > Hours::ZERO && *h <= MAX_HOURS)
            .ok_or(EntryProblem::HoursOutOfRange)
    }

    fn category(&self) -> Result<Category, EntryProblem> {
        Category::parse(self.category.trim()).ok_or(EntryProblem::CategoryChoice)
    }

    fn topic(&self) -> Result<Option<Topic>, EntryProblem> {
        match self.topic.trim() {
            "" => Ok(None),
            other => Topic::parse(other)
                .map(Some)
                .ok_or(EntryProblem::TopicChoice),
        }
    }

    /// Checks every field; all wrong ones are named, in the form's order.
    pub fn parse(&self, today: Date) -> Result<ValidEntry, EntryErrors> {
        let mut errors = Problems::default();
        let date = errors.check(EntryField::Date, self.date(today));
        let title = errors.check(
            EntryField::Title,
            trimmed(&self.title, limits::TITLE).and_then(|t| {
                if t.is_empty() {
                    Err(EntryProblem::TitleRequired)
                } else {
                    Ok(t)
                }
            }),
        );
        let provider = errors.check(
            EntryField::Provider,
            trimmed(&self.provider, limits::PROVIDER),
        );
        let hours = errors.check(EntryField::Hours, self.hours());
        let category = errors.check(EntryField::Category, self.category());
        let topic = errors.check(EntryField::Topic, self.topic());
        let notes = errors.check(EntryField::Notes, trimmed(&self.notes, limits::NOTES));
        match (date, title, provider, hours, category, topic, notes) {
            (
                Some(date),
                Some(title),
                Some(provider),
                Some(hours),
                Some(category),
                Some(topic),
                Some(notes),
            ) => Ok(ValidEntry {
                date,
                title,
                provider,
                hours,
                category,
                verifiable: self.verifiable,
                topic,
                notes,
            }),
            _ => Err(EntryErrors(errors.0)),
        }
    }

    /// What the entry would count for, checked exactly as [`EntryDraft::parse`] checks the
    /// fields that change the count (the preview counts it before a title is typed).
    pub fn counted(&self, today: Date) -> Result<Entry, EntryErrors> {
        let mut errors = Problems::default();
        let date = errors.check(EntryField::Date, self.date(today));
        let hours = errors.check(EntryField::Hours, self.hours());
        let category = errors.check(EntryField::Category, self.category());
        let topic = errors.check(EntryField::Topic, self.topic());
        match (date, hours, category, topic) {
            (Some(date), Some(hours), Some(category), Some(topic)) => Ok(Entry {
                date,
                hours,
                category,
                verifiable: self.verifiable,
                topic,
            }),
            _ => Err(EntryErrors(errors.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> Date {
        Date::parse("2026-11-23").expect("date")
    }

    fn good() -> EntryDraft {
        EntryDraft {
            date: "2026-03-01".into(),
            title: "Ethics".into(),
            provider: "Advokatsamfundet".into(),
            hours: "1.5".into(),
            category: "teacher-led".into(),
            verifiable: true,
            topic: String::new(),
            notes: String::new(),
        }
    }

    #[test]
    fn a_good_draft_parses() {
        let entry = good().parse(today()).expect("valid");
        assert_eq!(entry.hours, Hours::from_quarters(6));
        assert_eq!(entry.title, "Ethics");
        assert_eq!(entry.to_entry(), good().counted(today()).expect("counted"));
    }

    #[test]
    fn the_limits_of_each_field() {
        let with = |f: fn(&mut EntryDraft)| {
            let mut d = good();
            f(&mut d);
            d.parse(today()).err().map(|e| e.0)
        };
        assert_eq!(with(|d| d.hours = "24".into()), None);
        assert_eq!(
            with(|d| d.hours = "24.25".into()),
            Some(vec![(EntryField::Hours, EntryProblem::HoursOutOfRange)])
        );
        assert_eq!(
            with(|d| d.hours = "0".into()),
            Some(vec![(EntryField::Hours, EntryProblem::HoursOutOfRange)])
        );
        assert_eq!(with(|d| d.date = "2027-11-24".into()), None);
        assert_eq!(
            with(|d| d.date = "2027-11-25".into()),
            Some(vec![(EntryField::Date, EntryProblem::DateOutOfRange)])
        );
        assert_eq!(
            with(|d| d.date = "1949-12-31".into()),
            Some(vec![(EntryField::Date, EntryProblem::DateOutOfRange)])
        );
        assert_eq!(
            with(|d| d.title = "  ".into()),
            Some(vec![(EntryField::Title, EntryProblem::TitleRequired)])
        );
        assert_eq!(
            with(|d| d.notes = "å".repeat(limits::NOTES + 1)),
            Some(vec![(
                EntryField::Notes,
                EntryProblem::TooLong { max: limits::NOTES }
            )])
        );
    }

    #[test]
    fn every_wrong_field_is_named_in_the_forms_order() {
        let draft = EntryDraft {
            date: "soon".into(),
            title: String::new(),
            hours: "30".into(),
            category: "?".into(),
            topic: "?".into(),
            ..good()
        };
        let fields: Vec<_> = draft
            .parse(today())
            .expect_err("invalid")
            .0
            .into_iter()
            .map(|(f, _)| f)
            .collect();
        assert_eq!(
            fields,
            [
                EntryField::Date,
                EntryField::Title,
                EntryField::Hours,
                EntryField::Category,
                EntryField::Topic
            ]
        );
    }

    /// Text a hurried person (or a hostile one) might type into each field.
    fn field(samples: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(samples).prop_map(str::to_owned),
            "[0-9 .,:-]{0,12}",
            ".{0,6}",
        ]
    }

    fn draft() -> impl Strategy<Value = EntryDraft> {
        (
            field(&[
                "2026-03-01",
                "2026-11-23",
                "2027-11-24",
                "2027-11-25",
                "1949-12-31",
                "1950-01-01",
                "2026-02-30",
                " 2026-05-05 ",
            ]),
            prop_oneof![
                Just(String::new()),
                Just("  ".to_owned()),
                "[a-zå ]{1,8}",
                Just("x".repeat(limits::TITLE + 1))
            ],
            prop_oneof![
                Just(String::new()),
                Just("y".repeat(limits::PROVIDER + 1)),
                "[a-z]{0,5}"
            ],
            field(&[
                "1", "1.5", "1,25", "0", "0.25", "24", "24.25", "25", "30", "-1", "1.3", "", "abc",
                "7,75",
            ]),
            field(&[
                "teacher-led",
                "e-learning",
                " e-learning",
                "Teacher-led",
                "",
                "other",
            ]),
            any::<bool>(),
            field(&["", "ethics", "non-legal", "wellbeing", "client-care", "x"]),
            prop_oneof![
                Just(String::new()),
                Just("n".repeat(limits::NOTES + 1)),
                "[a-z]{0,5}"
            ],
        )
            .prop_map(
                |(date, title, provider, hours, category, verifiable, topic, notes)| EntryDraft {
                    date,
                    title,
                    provider,
                    hours,
                    category,
                    verifiable,
                    topic,
                    notes,
                },
            )
    }

    proptest! {
        /// The preview and the server agree on every draft: the preview counts exactly the
        /// entries whose counted fields the server accepts, and counts them as stored.
        #[test]
        fn the_preview_counts_what_the_server_accepts(d in draft()) {
            let saved = d.parse(today());
            let counted = d.counted(today());
            match (&saved, &counted) {
                (Ok(entry), Ok(preview)) => prop_assert_eq!(&entry.to_entry(), preview),
                (Ok(_), Err(e)) => prop_assert!(false, "the server accepts what the preview refuses: {:?}", e),
                (Err(e), Ok(_)) => prop_assert!(e.only_uncounted(), "the preview counts what the server refuses: {:?}", e),
                (Err(all), Err(counted)) => {
                    let counted_in_all: Vec<_> = all.0.iter().copied().filter(|(f, _)| f.counts()).collect();
                    prop_assert_eq!(&counted_in_all, &counted.0);
                }
            }
        }
    }
}
