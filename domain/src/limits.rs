//! The longest text each field takes, in characters (not bytes: "å" is one). The server
//! refuses longer text and the forms say the limit (and count down near it), so both ends
//! read these numbers. Each limit is generous for real use and small enough that a table
//! row or a PDF line stays readable.

/// A course's title.
pub const TITLE: usize = 200;
/// Who gave the course.
pub const PROVIDER: usize = 200;
/// Free notes on a course.
pub const NOTES: usize = 2000;
/// A person's full name.
pub const PERSON_NAME: usize = 120;
/// A firm's name.
pub const FIRM_NAME: usize = 120;
/// Why the law requires a firm to keep a person's data (a legal hold).
pub const HOLD_REASON: usize = 300;
/// Why a person was on leave.
pub const LEAVE_REASON: usize = 200;
/// A Swedish organisation number as typed ("556677-8899" with room for spaces).
pub const ORG_NUMBER: usize = 20;

/// Whether `text` (as it will be stored, trimmed) is within `max` characters.
pub fn fits(text: &str, max: usize) -> bool {
    text.trim().chars().count() <= max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_are_counted_not_bytes() {
        assert!(fits(&"å".repeat(TITLE), TITLE));
        assert!(!fits(&"a".repeat(TITLE + 1), TITLE));
        assert!(fits(&format!("  {}  ", "a".repeat(TITLE)), TITLE));
    }
}
