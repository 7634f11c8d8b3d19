//! Correction: the firm's owners and admins put right a member's personal details (for a
//! person who cannot, or whose details the firm answers for). Checked as the person's own
//! profile form is; each changed field is audited on its own row with the old and new
//! value's hash, keyed with the person's own random salt, so the log shows what changed
//! and can confirm a value later, but never holds it (and says nothing once the person, and
//! so the salt, is purged).

use super::members::managed_member;
use crate::AppError;
use crate::backend::account::{ProfileInput, today, validate_profile};
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::crypto::{keyed_hash, random_token};
use crate::backend::request::RequestMeta;
use crate::backend::sealing::Field;
use crate::backend::state::AppState;
use crate::i18n::Lang;

/// The correction form, as submitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Correction {
    pub full_name: String,
    pub title: String,
    pub admission_date: String,
    pub birth_date: String,
    /// Empty: follow the title.
    pub rule_set: String,
    pub history_from: String,
}

/// The fields as stored, to compare.
#[derive(sqlx::FromRow)]
struct Current {
    full_name: String,
    title: String,
    admission_date: Option<String>,
    birth_date: Option<String>,
    rule_set: String,
    history_from: Option<i64>,
    language: String,
    correction_salt: Option<String>,
}

/// How a changed field is written in the audit row's detail: its name and the first 16
/// hex digits (64 bits) of each value's keyed hash.
fn detail(salt: &str, field: &str, old: &str, new: &str) -> String {
    let h = |v: &str| keyed_hash(salt.as_bytes(), v.as_bytes())[..16].to_owned();
    format!("{field} {}:{}", h(old), h(new))
}

pub async fn correct(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    id: &str,
    input: &Correction,
) -> Result<(), AppError> {
    let (mut tx, _) = managed_member(state, viewer, meta, lang, id, || Ok(())).await?;
    let current: Current = sqlx::query_as(
        "SELECT full_name, title, admission_date, birth_date, rule_set, history_from, language, correction_salt \
         FROM users WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    // The person is of the viewer's firm (`managed_member`): their fields are its key's.
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    let current = Current {
        full_name: seal.open(Field::UserName, id, &current.full_name)?,
        admission_date: seal.open_opt(
            Field::UserAdmissionDate,
            id,
            current.admission_date.as_deref(),
        )?,
        birth_date: seal.open_opt(Field::UserBirthDate, id, current.birth_date.as_deref())?,
        ..current
    };
    // Checked as the person's own form, in the administrator's language; the person's
    // language is theirs to choose and stays.
    let valid = validate_profile(
        &ProfileInput {
            full_name: input.full_name.clone(),
            title: input.title.clone(),
            admission_date: input.admission_date.clone(),
            birth_date: input.birth_date.clone(),
            rule_set: input.rule_set.clone(),
            language: current.language.clone(),
            firm_name: None,
            org_number: None,
            history_from: input.history_from.clone(),
        },
        lang,
        today(),
    )?;
    let text = |d: Option<domain::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let year = |y: Option<i64>| y.map(|y| y.to_string()).unwrap_or_default();
    let changes: Vec<(&str, String, String)> = [
        (
            "full_name",
            current.full_name.clone(),
            valid.full_name.clone(),
        ),
        (
            "title",
            current.title.clone(),
            valid.title.as_str().to_owned(),
        ),
        (
            "admission_date",
            current.admission_date.clone().unwrap_or_default(),
            text(valid.admission_date),
        ),
        (
            "birth_date",
            current.birth_date.clone().unwrap_or_default(),
            text(valid.birth_date),
        ),
        (
            "rule_set",
            current.rule_set.clone(),
            valid.rule_set.to_owned(),
        ),
        (
            "history_from",
            year(current.history_from),
            year(valid.history_from.map(i64::from)),
        ),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != new)
    .collect();
    if changes.is_empty() {
        return Ok(());
    }
    let salt = match current.correction_salt {
        Some(salt) => salt,
        None => {
            let salt = random_token(32);
            sqlx::query("UPDATE users SET correction_salt = $1 WHERE id = $2")
                .bind(&salt)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            salt
        }
    };
    sqlx::query(
        "UPDATE users SET full_name = $1, title = $2, admission_date = $3, birth_date = $4, rule_set = $5, \
         history_from = $6 WHERE id = $7",
    )
    .bind(seal.seal(Field::UserName, id, &valid.full_name))
    .bind(valid.title.as_str())
    .bind(seal.seal_opt(
        Field::UserAdmissionDate,
        id,
        valid.admission_date.map(|d| d.to_string()).as_deref(),
    ))
    .bind(seal.seal_opt(
        Field::UserBirthDate,
        id,
        valid.birth_date.map(|d| d.to_string()).as_deref(),
    ))
    .bind(valid.rule_set)
    .bind(valid.history_from.map(i64::from))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    for (field, old, new) in &changes {
        viewer
            .audit(
                &mut tx,
                meta,
                Action::AccountCorrected,
                &Target::new("user", id).with_detail(detail(&salt, field, old, new)),
            )
            .await?;
    }
    tx.commit().await.map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::detail;

    #[test]
    fn the_detail_names_the_field_and_hides_the_values() {
        let d = detail("salt", "full_name", "Anna Berg", "Anna Lind");
        assert!(d.starts_with("full_name "), "{d}");
        assert!(!d.contains("Anna") && !d.contains("Berg") && !d.contains("Lind"));
        let (old, new) = d["full_name ".len()..].split_once(':').expect("two hashes");
        assert_eq!((old.len(), new.len()), (16, 16));
        assert_ne!(old, new);
        // Another person's salt gives other hashes for the same values.
        assert_ne!(
            d,
            detail("other salt", "full_name", "Anna Berg", "Anna Lind")
        );
    }
}
