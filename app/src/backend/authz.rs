//! Who may do what: the one place that decides. Every firm server function and route asks
//! [`authorize`] before it acts; the rules read as a table (and are tested as one).
//!
//! Owners manage the firm, its admins and its ownership; admins manage members; members
//! see only their own data. Tenancy is not decided here: every query is scoped to the
//! actor's firm, so another firm's person or row is simply "not found".

use crate::AppError;

pub use domain::Role;

/// What an actor wants to do in their own firm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// See the member list, the overview, a member's log, the audit log.
    ViewFirm,
    /// Change the firm's settings.
    ManageSettings,
    /// Invite someone with this role (or resend / revoke such an invitation).
    Invite(Role),
    /// Change someone who has `from` to `to`.
    ChangeRole { from: Role, to: Role },
    /// Block, unblock or remove someone with this role.
    Manage(Role),
}

/// Whether `actor` may do `act`. Owners may do everything; admins may manage members only;
/// members may do none of it.
pub fn allowed(actor: Role, act: Act) -> bool {
    match (actor, act) {
        (Role::Owner, _) => true,
        (Role::Admin, Act::ViewFirm) => true,
        (Role::Admin, Act::Invite(Role::Member)) => true,
        (Role::Admin, Act::Manage(Role::Member)) => true,
        (Role::Admin, Act::ChangeRole { .. }) => false,
        _ => false,
    }
}

/// [`allowed`], as the error a server function returns.
pub fn authorize(actor: Role, act: Act) -> Result<(), AppError> {
    if allowed(actor, act) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    #[test]
    fn the_rules_as_a_table() {
        let acts = [
            Act::ViewFirm,
            Act::ManageSettings,
            Act::Invite(Member),
            Act::Invite(Admin),
            Act::ChangeRole {
                from: Member,
                to: Admin,
            },
            Act::ChangeRole {
                from: Admin,
                to: Member,
            },
            Act::ChangeRole {
                from: Admin,
                to: Owner,
            },
            Act::Manage(Member),
            Act::Manage(Admin),
            Act::Manage(Owner),
        ];
        // member, admin, owner
        let expected = [
            [false, true, true],
            [false, false, true],
            [false, true, true],
            [false, false, true],
            [false, false, true],
            [false, false, true],
            [false, false, true],
            [false, true, true],
            [false, false, true],
            [false, false, true],
        ];
        for (act, row) in acts.iter().zip(expected) {
            for (actor, want) in [Member, Admin, Owner].into_iter().zip(row) {
                assert_eq!(allowed(actor, *act), want, "{actor:?} {act:?}");
            }
        }
        assert_eq!(authorize(Member, Act::ViewFirm), Err(AppError::Forbidden));
    }
}
