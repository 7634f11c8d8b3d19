//! The person's own account: profile, sign-in address, second factor.

use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::otp::{self, Kind};
use crate::backend::auth::viewer::Viewer;
use crate::backend::auth::{codes, lockouts, rate_limit, session, step_up, totp, users};
use crate::backend::db::now_micros;
use crate::backend::mail::{enqueue, enqueue_secret, templates};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::Field;
use crate::backend::state::AppState;
use crate::error::Problems;
use crate::i18n::Lang;
use domain::{Date, Email, Title};
use serde::{Deserialize, Serialize};

/// Every rule set the calculator knows (docs/rules.md §1–§3).
pub const RULE_SETS: [&str; 9] = domain::rules::set::IDS;

/// The profile form, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileInput {
    pub full_name: String,
    pub title: String,
    pub admission_date: String,
    pub birth_date: String,
    /// Empty: follow the title.
    pub rule_set: String,
    pub language: String,
    /// The firm's name and organisation number, asked of a new firm's owner on the
    /// first profile (absent otherwise).
    pub firm_name: Option<String>,
    pub org_number: Option<String>,
    /// The first year of the history, or empty.
    #[serde(default)]
    pub history_from: String,
}

/// An optional date that cannot lie after `today`; a wrong one is noted under `field`.
fn past_date(
    problems: &mut Problems,
    field: &str,
    text: &str,
    today: Date,
    unreadable: &str,
    future: &str,
) -> Option<Date> {
    match text.trim() {
        "" => None,
        text => match Date::parse(text) {
            Err(_) => {
                problems.add(field, unreadable);
                None
            }
            Ok(date) if date > today => {
                problems.add(field, future);
                None
            }
            Ok(date) => Some(date),
        },
    }
}

/// Checks the form; returns the values to store or every field that is wrong.
pub fn validate_profile(
    input: &ProfileInput,
    lang: Lang,
    today: Date,
) -> Result<ValidProfile, AppError> {
    let t = lang.texts();
    let mut problems = Problems::default();
    let full_name = input.full_name.trim();
    if full_name.is_empty() {
        problems.add("full_name", t.err_name_required);
    } else if !domain::limits::fits(full_name, domain::limits::PERSON_NAME) {
        problems.add(
            "full_name",
            t.err_too_long_n
                .replace("{n}", &domain::limits::PERSON_NAME.to_string()),
        );
    }
    let title = Title::parse(&input.title);
    if title.is_none() {
        problems.add("title", t.err_title_choice);
    }
    let admission_date = past_date(
        &mut problems,
        "admission_date",
        &input.admission_date,
        today,
        t.err_date,
        t.err_admission_future,
    );
    let birth_date = past_date(
        &mut problems,
        "birth_date",
        &input.birth_date,
        today,
        t.err_date,
        t.err_birth_future,
    );
    let rule_set = match input.rule_set.as_str() {
        "" => title.map(Title::default_rule_set),
        chosen => {
            let found = RULE_SETS.iter().copied().find(|r| *r == chosen);
            if found.is_none() {
                problems.add("rule_set", t.err_rule_set_choice);
            }
            found
        }
    };
    // From the admission year (or far back), to this year.
    let earliest = admission_date.map_or(1950, |d| d.year());
    let history_from = match input.history_from.trim() {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(year) if (earliest..=today.year()).contains(&year) => Some(year),
            _ => {
                problems.add(
                    "history_from",
                    t.err_history_from
                        .replace("{from}", &earliest.to_string())
                        .replace("{to}", &today.year().to_string()),
                );
                None
            }
        },
    };
    let language = Lang::from_code(&input.language);
    if language.is_none() {
        problems.add("language", t.err_language_choice);
    }
    let firm = input.firm_name.as_deref().map(|name| {
        let name = name.trim();
        if name.is_empty() || !domain::limits::fits(name, domain::limits::FIRM_NAME) {
            problems.add(
                "firm_name",
                t.err_firm_name
                    .replace("{n}", &domain::limits::FIRM_NAME.to_string()),
            );
        }
        let org_number = match input.org_number.as_deref().map(str::trim) {
            None | Some("") => String::new(),
            Some(text) => domain::OrgNumber::parse(text)
                .map(|o| o.to_string())
                .unwrap_or_else(|_| {
                    problems.add("org_number", t.err_org_number);
                    String::new()
                }),
        };
        (name.to_owned(), org_number)
    });
    problems.finish()?;
    match (title, rule_set, language) {
        (Some(title), Some(rule_set), Some(language)) => Ok(ValidProfile {
            full_name: full_name.to_owned(),
            title,
            admission_date,
            birth_date,
            rule_set,
            language,
            firm,
            history_from,
        }),
        _ => Err(AppError::BadRequest),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProfile {
    pub full_name: String,
    pub title: Title,
    pub admission_date: Option<Date>,
    pub birth_date: Option<Date>,
    pub rule_set: &'static str,
    pub language: Lang,
    /// The firm's name and organisation number, when the owner named the firm.
    pub firm: Option<(String, String)>,
    pub history_from: Option<i32>,
}

pub fn today() -> Date {
    Date::from_unix_days(now_micros().div_euclid(86_400_000_000))
}

pub async fn update_profile(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    input: &ProfileInput,
) -> Result<(), AppError> {
    let valid = validate_profile(input, lang, today())?;
    let mut tx = state.db.begin().await?;
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let me = viewer.user.id.as_str();
    sqlx::query(
        "UPDATE users SET full_name = $1, title = $2, admission_date = $3, birth_date = $4, rule_set = $5, language = $6, \
         history_from = $7, profile_completed = 1 WHERE id = $8",
    )
    .bind(seal.seal(Field::UserName, me, &valid.full_name))
    .bind(valid.title.as_str())
    .bind(seal.seal_opt(
        Field::UserAdmissionDate,
        me,
        valid.admission_date.map(|d| d.to_string()).as_deref(),
    ))
    .bind(seal.seal_opt(
        Field::UserBirthDate,
        me,
        valid.birth_date.map(|d| d.to_string()).as_deref(),
    ))
    .bind(valid.rule_set)
    .bind(valid.language.code())
    .bind(valid.history_from.map(i64::from))
    .bind(&viewer.user.id)
    .execute(&mut *tx)
    .await
    ?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::ProfileUpdated,
            &Target::new("user", &viewer.user.id),
        )
        .await?;
    if let Some((name, org_number)) = &valid.firm {
        // Only the owner names the firm (the form asks only them).
        if viewer.user.role != domain::Role::Owner {
            return Err(AppError::Forbidden);
        }
        sqlx::query("UPDATE firms SET name = $1, org_number = $2 WHERE id = $3")
            .bind(name)
            .bind(org_number)
            .bind(&viewer.user.firm_id)
            .execute(&mut *tx)
            .await?;
        viewer
            .audit(
                &mut tx,
                meta,
                Action::FirmSettingsChanged,
                &Target::new("firm", &viewer.user.firm_id),
            )
            .await?;
    }
    tx.commit().await.map_err(AppError::from)
}

/// Sends a code to a new address; the change happens when it comes back.
pub async fn request_email_change(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    new_email: &str,
) -> Result<(), AppError> {
    let t = lang.texts();
    step_up::require(viewer, lang)?;
    let email = Email::parse(new_email).map_err(|e| codes::email_error(t, e))?;
    if email.as_str() == viewer.user.email {
        return Err(AppError::invalid("email", t.err_email_taken));
    }
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    codes::check_code_limits(&mut tx, state, meta, &email, now).await?;
    let issued = otp::issue(
        &mut tx,
        state.master_key(),
        &state.db.records,
        otp::For {
            kind: Kind::ChangeEmail,
            email: email.as_str(),
            user_id: Some(&viewer.user.id),
            invitation_id: None,
            browser_session: &viewer.session.id_hash,
        },
        now,
    )
    .await?;
    enqueue_secret(
        &mut tx,
        &state.db.records,
        &templates::email_change_code(lang, email.as_str(), &issued.code),
        now + crate::backend::auth::challenge::TTL,
    )
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EmailChangeRequested,
            &Target::new("challenge", &issued.id),
        )
        .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(())
}

pub async fn confirm_email_change(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    code: &str,
) -> Result<(), AppError> {
    let t = lang.texts();
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    if let Err(wait) =
        rate_limit::hit(&mut tx, rate_limit::VERIFY_PER_IP, &meta.ip_bucket(), now).await?
    {
        tx.commit().await?;
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let stored = otp::latest_for_browser(
        &mut tx,
        &state.db.records,
        Kind::ChangeEmail,
        &viewer.session.id_hash,
    )
    .await?;
    let Some(stored) = stored.filter(|s| s.user_id.as_deref() == Some(viewer.user.id.as_str()))
    else {
        return Err(AppError::invalid("code", t.err_no_code));
    };
    let matches = stored.code_matches(state.master_key(), code);
    let outcome = otp::submit(&mut tx, &stored, now, matches).await?;
    if let Some(error) = codes::code_error(t, outcome) {
        tx.commit().await?;
        return Err(error);
    }
    if users::by_email(&mut tx, &state.db.records, &stored.email)
        .await?
        .is_some()
    {
        tx.commit().await?;
        return Err(AppError::invalid("email", t.err_email_taken));
    }
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    sqlx::query("UPDATE users SET email = $1, email_index = $2 WHERE id = $3")
        .bind(seal.seal(Field::UserEmail, &viewer.user.id, &stored.email))
        .bind(state.db.records.email_index(&stored.email))
        .bind(&viewer.user.id)
        .execute(&mut *tx)
        .await?;
    // Whoever held another session signed in with the old address: they must sign in again.
    session::delete_others(&mut tx, &viewer.user.id, &viewer.session.id_hash).await?;
    enqueue(
        &mut tx,
        &state.db.records,
        &templates::email_changed_notice(lang, &viewer.user.email, &stored.email),
    )
    .await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::EmailChanged,
            &Target::new("user", &viewer.user.id),
        )
        .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(())
}

pub async fn start_totp(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
) -> Result<(), AppError> {
    step_up::require(viewer, lang)?;
    let mut tx = state.db.begin().await?;
    let started = totp::start_enrolment(
        &mut tx,
        state.master_key(),
        &viewer.user.id,
        &viewer.user.email,
        &viewer.session.id_hash,
        now_micros(),
    )
    .await?;
    if started.is_none() {
        return Err(AppError::Forbidden);
    }
    viewer
        .audit(
            &mut tx,
            meta,
            Action::TotpEnrolmentStarted,
            &Target::new("user", &viewer.user.id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}

/// Turns the app on with a first code from it. Like starting, it needs a fresh
/// confirmation that it is the person, and only the session that started the enrolment
/// (within [`totp::PENDING_FOR`]) can finish it: a stolen session cookie can neither read
/// the secret nor confirm it. Wrong codes count against the one TOTP lockout.
pub async fn confirm_totp(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    code: &str,
) -> Result<(), AppError> {
    step_up::require(viewer, lang)?;
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    let subject = totp::lockout_subject(&viewer.user.id);
    if let Some(wait) = lockouts::admit(&mut tx, meta, &[&subject], now).await? {
        tx.commit().await?;
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    let codes = totp::confirm_enrolment(
        &mut tx,
        state.master_key(),
        &viewer.user.id,
        &viewer.session.id_hash,
        code,
        now,
    )
    .await?;
    if codes.is_none() {
        lockouts::fail(&mut tx, &[&subject], now).await?;
        tx.commit().await?;
        return Err(AppError::invalid("code", lang.texts().err_totp_wrong));
    }
    lockouts::clear(&mut tx, &subject).await?;
    // This session just proved the app; every other session must sign in with it.
    session::mark_second_factor(&mut tx, &viewer.session.id_hash, now).await?;
    session::delete_others(&mut tx, &viewer.user.id, &viewer.session.id_hash).await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::TotpEnrolled,
            &Target::new("user", &viewer.user.id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}

/// Turning the second factor off needs a fresh code from it (or a recovery code).
pub async fn remove_totp(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    code: &str,
) -> Result<(), AppError> {
    let now = now_micros();
    let mut tx = state.db.begin().await?;
    // Locked out like every other guess at the app's codes: one subject counts them all.
    let subject = totp::lockout_subject(&viewer.user.id);
    if let Some(wait) = lockouts::admit(&mut tx, meta, &[&subject], now).await? {
        tx.commit().await?;
        return Err(AppError::RateLimited {
            retry_after_secs: wait,
        });
    }
    if totp::verify(&mut tx, state.master_key(), &viewer.user.id, code, now)
        .await?
        .is_none()
    {
        lockouts::fail(&mut tx, &[&subject], now).await?;
        viewer
            .audit(
                &mut tx,
                meta,
                Action::SecondFactorFailed,
                &Target::new("user", &viewer.user.id),
            )
            .await?;
        tx.commit().await?;
        return Err(AppError::invalid("code", lang.texts().err_totp_wrong));
    }
    lockouts::clear(&mut tx, &subject).await?;
    totp::remove(&mut tx, &viewer.user.id).await?;
    // No session has passed an app the person no longer has: the firm's rule that
    // administrators use one must not keep counting them as having done so.
    session::forget_second_factor(&mut tx, &viewer.user.id).await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::TotpRemoved,
            &Target::new("user", &viewer.user.id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProfileInput {
        ProfileInput {
            full_name: " Anna Berg ".into(),
            title: "advokat".into(),
            admission_date: "2015-09-01".into(),
            birth_date: "".into(),
            rule_set: "".into(),
            language: "sv".into(),
            firm_name: None,
            org_number: None,
            history_from: "".into(),
        }
    }

    fn today() -> Date {
        Date::parse("2026-11-23").expect("date")
    }

    #[test]
    fn a_valid_profile_takes_its_rule_set_from_the_title() {
        let valid = validate_profile(&input(), Lang::En, today()).expect("valid");
        assert_eq!(valid.full_name, "Anna Berg");
        assert_eq!(valid.rule_set, "se-advokat");
        let revisor = ProfileInput {
            title: "auktoriserad_revisor".into(),
            ..input()
        };
        assert_eq!(
            validate_profile(&revisor, Lang::En, today())
                .expect("valid")
                .rule_set,
            "se-revisor-far"
        );
    }

    #[test]
    fn the_history_starts_no_earlier_than_admission_and_no_later_than_this_year() {
        let with = |year: &str| ProfileInput {
            history_from: year.into(),
            ..input()
        };
        assert_eq!(
            validate_profile(&with("2020"), Lang::En, today())
                .expect("valid")
                .history_from,
            Some(2020)
        );
        assert_eq!(
            validate_profile(&with(""), Lang::En, today())
                .expect("valid")
                .history_from,
            None
        );
        for wrong in ["2014", "2027", "twenty", "2020.5"] {
            match validate_profile(&with(wrong), Lang::En, today()) {
                Err(AppError::Invalid { field, message }) => {
                    assert_eq!(field, "history_from");
                    assert_eq!(
                        message,
                        "Enter a year from 2015 to 2026, or leave it empty."
                    );
                }
                other => panic!("{wrong}: expected a field error, got {other:?}"),
            }
        }
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |i: ProfileInput| match validate_profile(&i, Lang::En, today()) {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        };
        assert_eq!(
            field(ProfileInput {
                full_name: "  ".into(),
                ..input()
            }),
            "full_name"
        );
        assert_eq!(
            field(ProfileInput {
                title: "judge".into(),
                ..input()
            }),
            "title"
        );
        assert_eq!(
            field(ProfileInput {
                admission_date: "2027-01-01".into(),
                ..input()
            }),
            "admission_date"
        );
        assert_eq!(
            field(ProfileInput {
                admission_date: "1/9/2015".into(),
                ..input()
            }),
            "admission_date"
        );
        assert_eq!(
            field(ProfileInput {
                birth_date: "2030-01-01".into(),
                ..input()
            }),
            "birth_date"
        );
        assert_eq!(
            field(ProfileInput {
                rule_set: "us-bar".into(),
                ..input()
            }),
            "rule_set"
        );
        assert_eq!(
            field(ProfileInput {
                language: "de".into(),
                ..input()
            }),
            "language"
        );
    }
}
