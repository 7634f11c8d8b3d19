//! Soft lockout with growing back-off, as a pure state machine.
//!
//! Every failed sign-in (a wrong code) counts against the account (email) and the IP.
//! After [`FREE_FAILURES`] the subject must wait, 30 s at first and doubling with each
//! further failure, but never more than [`MAX_LOCK`]: an attacker can slow a person down
//! but never lock them out for long. Failures are forgotten after [`FORGET_AFTER`] without
//! one, and a success clears them.

use super::challenge::Micros;

const SECOND: Micros = 1_000_000;
pub const FREE_FAILURES: i64 = 10;
pub const FIRST_LOCK: Micros = 30 * SECOND;
pub const MAX_LOCK: Micros = 15 * 60 * SECOND;
pub const FORGET_AFTER: Micros = 60 * 60 * SECOND;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    pub failures: i64,
    pub last_failure: Micros,
    pub locked_until: Micros,
}

impl Lockout {
    /// `Err(wait)` while locked: the microseconds left.
    pub fn check(&self, now: Micros) -> Result<(), Micros> {
        if now < self.locked_until {
            Err(self.locked_until - now)
        } else {
            Ok(())
        }
    }

    pub fn fail(&self, now: Micros) -> Lockout {
        let failures = if now - self.last_failure > FORGET_AFTER {
            1
        } else {
            self.failures + 1
        };
        Lockout {
            failures,
            last_failure: now,
            locked_until: Lockout::locked_until_after(failures, now),
        }
    }

    /// Until when a subject with `failures` recent failures must wait (0: not at all).
    pub fn locked_until_after(failures: i64, now: Micros) -> Micros {
        if failures > FREE_FAILURES {
            let doublings = u32::try_from(failures - FREE_FAILURES - 1)
                .unwrap_or(u32::MAX)
                .min(16);
            now + FIRST_LOCK.saturating_mul(1 << doublings).min(MAX_LOCK)
        } else {
            0
        }
    }

    pub fn succeed(&self) -> Lockout {
        Lockout::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Micros = 1_800_000_000_000_000;

    fn fail_n(n: i64, start: Lockout, at: Micros) -> Lockout {
        (0..n).fold(start, |l, _| l.fail(at))
    }

    #[test]
    fn the_first_failures_are_free() {
        let l = fail_n(FREE_FAILURES, Lockout::default(), T0);
        assert_eq!(l.check(T0), Ok(()));
    }

    #[test]
    fn back_off_grows_and_is_capped() {
        let l = fail_n(FREE_FAILURES + 1, Lockout::default(), T0);
        assert_eq!(l.check(T0), Err(FIRST_LOCK));
        let l = l.fail(T0);
        assert_eq!(l.check(T0), Err(2 * FIRST_LOCK));
        let l = l.fail(T0);
        assert_eq!(l.check(T0), Err(4 * FIRST_LOCK));
        let l = fail_n(50, l, T0);
        assert_eq!(l.check(T0), Err(MAX_LOCK), "never more than 15 minutes");
        assert_eq!(l.check(T0 + MAX_LOCK), Ok(()));
    }

    #[test]
    fn success_and_time_forgive() {
        let l = fail_n(FREE_FAILURES + 3, Lockout::default(), T0);
        assert_eq!(l.succeed().check(T0), Ok(()));
        let later = l.fail(T0 + FORGET_AFTER + 1);
        assert_eq!(later.failures, 1);
        assert_eq!(later.check(T0 + FORGET_AFTER + 1), Ok(()));
    }
}
