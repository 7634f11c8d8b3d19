//! Email addresses, as people type them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A plausible email address, trimmed and lower-cased (we treat addresses as
/// case-insensitive, as every mail provider our users have does).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("enter your email address")]
    Empty,
    #[error("enter an email address like name@firm.se")]
    Malformed,
    #[error("that email address is too long")]
    TooLong,
}

impl Email {
    pub fn parse(text: &str) -> Result<Email, EmailError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        if text.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = text.rsplit_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && local.chars().all(|c| {
                !c.is_whitespace()
                    && !c.is_control()
                    && c != '<'
                    && c != '>'
                    && c != ','
                    && c != ';'
            });
        if !(domain_ok && local_ok) {
            return Err(EmailError::Malformed);
        }
        Ok(Email(text.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_case_and_space() {
        assert_eq!(
            Email::parse("  Anna.Berg@Firm.SE ").map(|e| e.to_string()),
            Ok("anna.berg@firm.se".into())
        );
        assert_eq!(
            Email::parse("a+cpd@advokat-byra.se").map(|e| e.domain().to_owned()),
            Ok("advokat-byra.se".into())
        );
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
        for bad in [
            "anna",
            "anna@",
            "@firm.se",
            "anna@firm",
            "anna@@firm.se",
            "an na@firm.se",
            "a@firm..se",
            "a@.firm.se",
            "<a@b.se>",
            "a@b.se, c@d.se",
            "a@b.se\r\nBcc: x@y.se",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad:?}");
        }
        assert_eq!(
            Email::parse(&format!("{}@firm.se", "a".repeat(250))),
            Err(EmailError::TooLong)
        );
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(s in "[a-zA-Z0-9._+-]{1,20}@[a-z0-9-]{1,10}\\.[a-z]{2,4}") {
            let once = Email::parse(&s).expect("generated addresses are valid");
            prop_assert_eq!(Email::parse(once.as_str()), Ok(once.clone()));
        }
    }
}
