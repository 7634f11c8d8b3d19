//! The one-time code challenge as a pure state machine (time is passed in, so tests can
//! move the clock). The database layer (`otp.rs`) loads a [`Challenge`], asks this module
//! what happens, and stores the answer.

/// Microseconds.
pub type Micros = i64;

const MINUTE: Micros = 60 * 1_000_000;

/// A code and its link live this long.
pub const TTL: Micros = 10 * MINUTE;
/// Wrong codes a challenge survives; the fifth wrong one ends it.
pub const MAX_ATTEMPTS: i64 = 5;
/// The least time between two codes sent to one address.
pub const RESEND_INTERVAL: Micros = MINUTE;
/// The most codes sent to one address in [`RESEND_WINDOW`].
pub const RESENDS_PER_WINDOW: usize = 5;
pub const RESEND_WINDOW: Micros = 60 * MINUTE;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub created_at: Micros,
    pub expires_at: Micros,
    pub attempts: i64,
    pub consumed: bool,
}

impl Challenge {
    pub fn new(now: Micros) -> Challenge {
        Challenge {
            created_at: now,
            expires_at: now + TTL,
            attempts: 0,
            consumed: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The code was right: the challenge is now used up.
    Accepted,
    /// Wrong code; this many tries are left.
    Wrong {
        remaining: i64,
    },
    /// Wrong code, and it was the last try: the challenge is dead.
    Exhausted,
    Expired,
    /// Already used, exhausted or replaced by a newer code.
    Spent,
}

/// The outcome of a wrong code that took try number `attempts`.
pub fn after_wrong_try(attempts: i64) -> Outcome {
    if attempts >= MAX_ATTEMPTS {
        Outcome::Exhausted
    } else {
        Outcome::Wrong {
            remaining: MAX_ATTEMPTS - attempts,
        }
    }
}

/// Why a challenge had no try left to take: expired, or used up (by now, perhaps, by a
/// parallel request the loaded state does not show yet).
pub fn refused(challenge: &Challenge, now: Micros) -> Outcome {
    if !challenge.consumed && challenge.attempts < MAX_ATTEMPTS && now >= challenge.expires_at {
        Outcome::Expired
    } else {
        Outcome::Spent
    }
}

/// What a submitted code does to a challenge. `code_matches` is the (constant-time)
/// comparison the caller made; the state machine decides everything else.
pub fn submit(challenge: &Challenge, now: Micros, code_matches: bool) -> (Outcome, Challenge) {
    let mut next = challenge.clone();
    if challenge.consumed || challenge.attempts >= MAX_ATTEMPTS {
        return (Outcome::Spent, next);
    }
    if now >= challenge.expires_at {
        return (Outcome::Expired, next);
    }
    if code_matches {
        next.consumed = true;
        return (Outcome::Accepted, next);
    }
    next.attempts += 1;
    if next.attempts >= MAX_ATTEMPTS {
        (Outcome::Exhausted, next)
    } else {
        (
            Outcome::Wrong {
                remaining: MAX_ATTEMPTS - next.attempts,
            },
            next,
        )
    }
}

/// How often codes may go to one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// The least time between two codes.
    pub interval: Micros,
    /// The most codes in [`RESEND_WINDOW`].
    pub per_window: usize,
}

impl Default for Throttle {
    fn default() -> Throttle {
        Throttle {
            interval: RESEND_INTERVAL,
            per_window: RESENDS_PER_WINDOW,
        }
    }
}

/// Whether another code may be sent to an address, given when the earlier ones were sent
/// (any order). `Err` holds the seconds to wait.
pub fn may_send(sent_at: &[Micros], now: Micros, throttle: Throttle) -> Result<(), u64> {
    let recent: Vec<Micros> = sent_at
        .iter()
        .copied()
        .filter(|t| now - t < RESEND_WINDOW)
        .collect();
    let wait_interval = recent
        .iter()
        .max()
        .map(|last| last + throttle.interval - now)
        .filter(|w| *w > 0);
    let wait_window = (recent.len() >= throttle.per_window)
        .then(|| recent.iter().min().map(|first| first + RESEND_WINDOW - now))
        .flatten()
        .filter(|w| *w > 0);
    match wait_interval.into_iter().chain(wait_window).max() {
        Some(wait) => Err(seconds_up(wait)),
        None => Ok(()),
    }
}

/// Whole seconds, rounded up, never zero: what a `Retry-After` header carries.
pub fn seconds_up(micros: Micros) -> u64 {
    u64::try_from((micros + 999_999) / 1_000_000)
        .unwrap_or(1)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Micros = 1_800_000_000_000_000;

    #[test]
    fn the_right_code_is_accepted_once() {
        let c = Challenge::new(T0);
        let (outcome, c) = submit(&c, T0 + MINUTE, true);
        assert_eq!(outcome, Outcome::Accepted);
        let (again, _) = submit(&c, T0 + MINUTE, true);
        assert_eq!(again, Outcome::Spent, "single use");
    }

    #[test]
    fn codes_expire_after_ten_minutes() {
        let c = Challenge::new(T0);
        assert_eq!(submit(&c, T0 + TTL - 1, true).0, Outcome::Accepted);
        assert_eq!(submit(&c, T0 + TTL, true).0, Outcome::Expired);
        assert_eq!(submit(&c, T0 + TTL + MINUTE, false).0, Outcome::Expired);
    }

    #[test]
    fn the_fifth_wrong_try_ends_the_challenge() {
        let mut c = Challenge::new(T0);
        for remaining in (1..MAX_ATTEMPTS).rev() {
            let (outcome, next) = submit(&c, T0, false);
            assert_eq!(outcome, Outcome::Wrong { remaining });
            c = next;
        }
        let (outcome, c) = submit(&c, T0, false);
        assert_eq!(outcome, Outcome::Exhausted);
        // Even the right code is refused now.
        assert_eq!(submit(&c, T0, true).0, Outcome::Spent);
    }

    #[test]
    fn an_expired_try_does_not_count_as_an_attempt() {
        let c = Challenge::new(T0);
        let (_, after) = submit(&c, T0 + TTL, false);
        assert_eq!(after.attempts, 0);
    }

    #[test]
    fn resends_wait_a_minute_between_codes() {
        assert_eq!(may_send(&[], T0, Throttle::default()), Ok(()));
        assert_eq!(
            may_send(&[T0], T0 + 10 * 1_000_000, Throttle::default()),
            Err(50)
        );
        assert_eq!(may_send(&[T0], T0 + MINUTE, Throttle::default()), Ok(()));
    }

    #[test]
    fn at_most_five_codes_an_hour() {
        let sent: Vec<Micros> = (0..5).map(|i| T0 + i * 2 * MINUTE).collect();
        let now = T0 + 10 * MINUTE;
        // The oldest of the five leaves the window 60 minutes after it was sent.
        assert_eq!(may_send(&sent, now, Throttle::default()), Err(50 * 60));
        assert_eq!(
            may_send(&sent, T0 + RESEND_WINDOW, Throttle::default()),
            Ok(())
        );
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(seconds_up(1), 1);
        assert_eq!(seconds_up(1_000_000), 1);
        assert_eq!(seconds_up(1_000_001), 2);
        assert_eq!(seconds_up(0), 1);
    }
}
