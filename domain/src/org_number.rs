//! A Swedish organisation number (organisationsnummer): ten digits whose last is a Luhn
//! check digit, written `NNNNNN-NNNN`. Typed with or without the hyphen and spaces.

use std::fmt;

/// A valid organisation number, kept as it is written (`556016-0680`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgNumber(String);

/// Why a text is not an organisation number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgNumberError {
    /// Not ten digits (besides a hyphen and spaces).
    Shape,
    /// Ten digits whose check digit does not match.
    CheckDigit,
}

impl OrgNumber {
    pub fn parse(text: &str) -> Result<OrgNumber, OrgNumberError> {
        let digits: Vec<u32> = text
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .map(|c| c.to_digit(10))
            .collect::<Option<_>>()
            .ok_or(OrgNumberError::Shape)?;
        if digits.len() != 10 {
            return Err(OrgNumberError::Shape);
        }
        // Luhn over all ten: every other digit from the first doubled, digits summed.
        let sum: u32 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let v = if i % 2 == 0 { d * 2 } else { *d };
                v / 10 + v % 10
            })
            .sum();
        if !sum.is_multiple_of(10) {
            return Err(OrgNumberError::CheckDigit);
        }
        let written: String = digits
            .iter()
            .filter_map(|d| char::from_digit(*d, 10))
            .collect();
        Ok(OrgNumber(format!("{}-{}", &written[..6], &written[6..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_numbers_are_checked_and_written_one_way() {
        assert_eq!(
            OrgNumber::parse("556016-0680").map(|o| o.to_string()),
            Ok("556016-0680".to_owned())
        );
        assert_eq!(
            OrgNumber::parse(" 5560160680 ").map(|o| o.to_string()),
            Ok("556016-0680".to_owned())
        );
        assert_eq!(
            OrgNumber::parse("556016-0681"),
            Err(OrgNumberError::CheckDigit)
        );
        assert_eq!(OrgNumber::parse("55601-0680"), Err(OrgNumberError::Shape));
        assert_eq!(OrgNumber::parse("abc"), Err(OrgNumberError::Shape));
    }
}
