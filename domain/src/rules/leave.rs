//! Leave that reduces the requirement (docs/rules.md §5): merged periods of at least some
//! calendar months (three for se-advokat), counted by the days that fall inside a span.

use super::Leave;
use crate::Date;

/// Merges overlapping and back-to-back periods, so each day counts once.
pub fn merge(leaves: &[Leave]) -> Vec<Leave> {
    let mut sorted: Vec<Leave> = leaves.iter().copied().filter(|l| l.to >= l.from).collect();
    sorted.sort_by_key(|l| l.from);
    let mut merged: Vec<Leave> = Vec::new();
    for leave in sorted {
        match merged.last_mut() {
            Some(last) if leave.from.to_unix_days() <= last.to.to_unix_days() + 1 => {
                last.to = last.to.max(leave.to);
            }
            _ => merged.push(leave),
        }
    }
    merged
}

/// A continuous leave qualifies if it lasts at least `months` calendar months:
/// `to ≥ (from + months) − 1 day`.
pub fn qualifies(leave: &Leave, months: u32) -> bool {
    leave.to.to_unix_days() >= leave.from.add_months(months).to_unix_days() - 1
}

/// The qualifying leaves (merged), clipped to the years `from..=to`.
pub fn qualifying_in(leaves: &[Leave], from: i32, to: i32, months: u32) -> Vec<Leave> {
    let (start, end) = (Date::first_of_year(from), Date::last_of_year(to));
    merge(leaves)
        .into_iter()
        .filter(|l| qualifies(l, months))
        .filter(|l| l.to >= start && l.from <= end)
        .map(|l| Leave {
            from: l.from.max(start),
            to: l.to.min(end),
        })
        .collect()
}

/// The days of qualifying leave inside `year`.
pub fn qualifying_days_in(leaves: &[Leave], year: i32, months: u32) -> i64 {
    qualifying_in(leaves, year, year, months)
        .iter()
        .map(|l| l.to.to_unix_days() - l.from.to_unix_days() + 1)
        .sum()
}

/// Whole quarters (three calendar months) in a leave.
pub fn whole_quarters(leave: &Leave) -> u32 {
    let mut quarters = 0;
    while qualifies(leave, 3 * (quarters + 1)) {
        quarters += 1;
    }
    quarters
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leave(from: &str, to: &str) -> Leave {
        Leave {
            from: Date::parse(from).expect("date"),
            to: Date::parse(to).expect("date"),
        }
    }

    #[test]
    fn exactly_three_months_qualifies_one_day_less_does_not() {
        assert!(qualifies(&leave("2026-01-15", "2026-04-14"), 3));
        assert!(!qualifies(&leave("2026-01-15", "2026-04-13"), 3));
        assert!(qualifies(&leave("2026-11-30", "2027-02-27"), 3));
        assert_eq!(whole_quarters(&leave("2026-01-01", "2026-09-29")), 2);
        assert_eq!(whole_quarters(&leave("2026-01-01", "2026-09-30")), 3);
    }

    #[test]
    fn back_to_back_leaves_merge_and_then_qualify() {
        let parts = [
            leave("2026-01-01", "2026-02-15"),
            leave("2026-02-16", "2026-03-31"),
        ];
        assert_eq!(merge(&parts), vec![leave("2026-01-01", "2026-03-31")]);
        assert_eq!(qualifying_days_in(&parts, 2026, 3), 90);
        // Overlaps count each day once.
        let overlapping = [
            leave("2026-01-01", "2026-03-31"),
            leave("2026-03-01", "2026-04-30"),
        ];
        assert_eq!(qualifying_days_in(&overlapping, 2026, 3), 120);
    }

    #[test]
    fn leave_across_the_year_boundary_counts_in_each_year_and_qualifies_as_a_whole() {
        let winter = [leave("2025-12-01", "2026-02-28")];
        assert_eq!(qualifying_days_in(&winter, 2025, 3), 31);
        assert_eq!(qualifying_days_in(&winter, 2026, 3), 59);
    }
}
