//! Who a person is in the registry: their role in the firm, whether their account is
//! usable, and their professional title (which implies the rules they follow).
//!
//! Each is stored as the text its `as_str` gives; a stored value that parses to none of
//! them is an error where it is read, never silently a default.

use serde::{Deserialize, Serialize};

/// A stored or sent value that names none of an enum's variants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} {value:?} is not one we know")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

/// `TryFrom<String>` by the enum's own `parse` (so database rows decode straight into it).
macro_rules! try_from_text {
    ($($t:ty => $kind:literal),*) => {$(
        impl TryFrom<String> for $t {
            type Error = UnknownValue;
            fn try_from(value: String) -> Result<$t, UnknownValue> {
                <$t>::parse(&value).ok_or(UnknownValue { kind: $kind, value })
            }
        }
    )*};
}

try_from_text!(Role => "role", AccountStatus => "account status", Title => "title");

/// A person's role in their firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Admin,
    Owner,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Member, Role::Admin, Role::Owner];

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }

    /// Owners and admins see the firm's pages.
    pub fn sees_firm(self) -> bool {
        matches!(self, Role::Owner | Role::Admin)
    }
}

/// Whether a person's account may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    /// Blocked by the firm: cannot sign in; the data stays.
    Blocked,
}

impl AccountStatus {
    pub fn parse(text: &str) -> Option<AccountStatus> {
        match text {
            "active" => Some(AccountStatus::Active),
            "blocked" => Some(AccountStatus::Blocked),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Blocked => "blocked",
        }
    }
}

/// A professional title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Title {
    Advokat,
    BitradandeJurist,
    AuktoriseradRevisor,
    Other,
}

impl Title {
    pub const ALL: [Title; 4] = [
        Title::Advokat,
        Title::BitradandeJurist,
        Title::AuktoriseradRevisor,
        Title::Other,
    ];

    pub fn parse(text: &str) -> Option<Title> {
        Title::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Title::Advokat => "advokat",
            Title::BitradandeJurist => "bitradande_jurist",
            Title::AuktoriseradRevisor => "auktoriserad_revisor",
            Title::Other => "other",
        }
    }

    /// The rule set the title implies when the person picks none (`none`: no rules).
    pub fn default_rule_set(self) -> &'static str {
        match self {
            Title::Advokat => "se-advokat",
            Title::AuktoriseradRevisor => "se-revisor-far",
            Title::BitradandeJurist | Title::Other => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_value_reads_back_what_it_writes() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).expect("json"), r.as_str());
        }
        for t in Title::ALL {
            assert_eq!(Title::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).expect("json"), t.as_str());
        }
        for s in [AccountStatus::Active, AccountStatus::Blocked] {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).expect("json"), s.as_str());
        }
        assert_eq!(Role::parse("Owner"), None);
        assert_eq!(Title::parse(""), None);
    }

    #[test]
    fn a_title_implies_its_rules() {
        assert_eq!(Title::Advokat.default_rule_set(), "se-advokat");
        assert_eq!(
            Title::AuktoriseradRevisor.default_rule_set(),
            "se-revisor-far"
        );
        assert_eq!(Title::BitradandeJurist.default_rule_set(), "none");
        for t in Title::ALL {
            let set = t.default_rule_set();
            assert!(
                set == "none" || crate::rules::set::IDS.contains(&set),
                "{set}"
            );
        }
    }
}
