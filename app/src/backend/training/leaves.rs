//! Leave periods and the age-70 exemption: they change the requirement (docs/rules.md §5).

use crate::AppError;
use crate::backend::account::today;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::db::{new_id, now_micros};
use crate::backend::request::RequestMeta;
use crate::backend::state::AppState;
use crate::error::Problems;
use crate::i18n::Lang;
use domain::Date;

/// Checks a leave period: both days inclusive, `to` not before `from`.
pub fn validate(
    from: &str,
    to: &str,
    reason: &str,
    lang: Lang,
) -> Result<(Date, Date, String), AppError> {
    let t = lang.texts();
    let mut problems = Problems::default();
    let from = problems.check("from", Date::parse(from).map_err(|_| t.err_date.to_owned()));
    let to = problems.check("to", Date::parse(to).map_err(|_| t.err_date.to_owned()));
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        problems.add("to", t.err_leave_order);
    }
    let reason = reason.trim();
    if !domain::limits::fits(reason, domain::limits::LEAVE_REASON) {
        problems.add(
            "reason",
            t.err_too_long_n
                .replace("{n}", &domain::limits::LEAVE_REASON.to_string()),
        );
    }
    problems.finish()?;
    match (from, to) {
        (Some(from), Some(to)) => Ok((from, to, reason.to_owned())),
        _ => Err(AppError::BadRequest),
    }
}

/// Stores one leave period of `user_id` (already checked by [`validate`]).
pub async fn insert(
    conn: &mut sqlx::AnyConnection,
    seal: &crate::backend::sealing::FirmSeal,
    id: &str,
    user_id: &str,
    (from, to, reason): (Date, Date, &str),
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO leaves (id, user_id, from_date, to_date, reason, created_at_us) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(user_id)
    .bind(from.to_string())
    .bind(to.to_string())
    .bind(seal.seal(crate::backend::sealing::Field::LeaveReason, id, reason))
    .bind(now_micros())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn add(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    (from, to, reason): (&str, &str, &str),
) -> Result<Date, AppError> {
    let (from, to, reason) = validate(from, to, reason, lang)?;
    let id = new_id();
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    let seal = state.db.records.firm(&mut tx, &viewer.user.firm_id).await?;
    insert(&mut tx, &seal, &id, &viewer.user.id, (from, to, &reason)).await?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::LeaveAdded,
            &Target::new("leave", &id),
        )
        .await?;
    tx.commit().await?;
    Ok(from)
}

pub async fn delete(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<(), AppError> {
    use crate::backend::undo::{self, Kind, Table};
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Delete,
    )?;
    let mut tx = state.db.begin().await?;
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT from_date, to_date FROM leaves WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(&viewer.user.id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((from, to)) = found else {
        return Err(AppError::NotFound);
    };
    let batch = undo::begin(
        &mut tx,
        &state.db.records,
        viewer,
        Kind::Leave,
        &format!("{from} – {to}"),
        "/account/leave",
    )
    .await?;
    undo::stash(&mut tx, &batch, viewer, Table::Leaves, "id", id)
        .await?
        .require_some()?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::LeaveDeleted,
            &Target::new("leave", id),
        )
        .await?;
    tx.commit().await.map_err(AppError::from)
}

/// Records (or removes) the age-70 exemption for a year. The calculator ignores it, with
/// a warning, for a year in which the person is not yet 70.
pub async fn set_exemption(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    lang: Lang,
    year: &str,
    exempt: bool,
) -> Result<i32, AppError> {
    let t = lang.texts();
    let this_year = today().year();
    let year = year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1950..=this_year + 1).contains(y))
        .ok_or_else(|| AppError::invalid("year", t.err_year))?;
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Write,
    )?;
    let mut tx = state.db.begin().await?;
    if exempt {
        sqlx::query(
            "INSERT INTO exemptions (user_id, year, kind, created_at_us) VALUES ($1, $2, 'age-70', $3) \
             ON CONFLICT (user_id, year, kind) DO NOTHING",
        )
        .bind(&viewer.user.id)
        .bind(i64::from(year))
        .bind(now_micros())
        .execute(&mut *tx)
        .await
        ?;
    } else {
        sqlx::query("DELETE FROM exemptions WHERE user_id = $1 AND year = $2")
            .bind(&viewer.user.id)
            .bind(i64::from(year))
            .execute(&mut *tx)
            .await?;
    }
    let action = if exempt {
        Action::ExemptionRecorded
    } else {
        Action::ExemptionRemoved
    };
    viewer
        .audit(
            &mut tx,
            meta,
            action,
            &Target::new("exemption", year.to_string()),
        )
        .await?;
    tx.commit().await?;
    Ok(year)
}
