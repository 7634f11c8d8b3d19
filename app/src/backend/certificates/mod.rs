//! Certificates: the files that prove an entry. Every query is scoped to the signed-in
//! person; someone else's certificate answers "not found", like one that does not exist.
//!
//! Consistency between rows and objects: an object is written before its row and
//! removed after it, so a row always has its object. A failure between the two leaves at
//! most an object without a row, which [`sweep`] removes once it is a day old.

pub mod inspection;
pub mod quota;
pub mod sweep;
pub mod upload;

use crate::AppError;
use crate::backend::audit::{Action, Target};
use crate::backend::auth::viewer::Viewer;
use crate::backend::request::RequestMeta;
use crate::backend::sealing::{Field, FirmSeal, Records};
use crate::backend::state::AppState;
use crate::backend::storage::{Disposition, LinkSpec};
use crate::model::CertificateView;
use domain::Date;

pub const COLUMNS: &str = "id, entry_id, file_name, mime, size_bytes, sha256, pages, width, height, created_at_us, object_key";

pub type Row = (
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    i64,
    String,
);

/// A row as the pages see it (its file name opened with the firm's key), and its
/// object's name (which stays on the server).
pub fn view(seal: &FirmSeal, row: Row) -> anyhow::Result<(CertificateView, String)> {
    let (id, entry_id, file_name, mime, size, sha256, pages, width, height, created, key) = row;
    let small = |n: Option<i64>| n.and_then(|n| u32::try_from(n).ok());
    let file_name = seal.open(Field::CertificateName, &id, &file_name)?;
    Ok((
        CertificateView {
            id,
            entry_id,
            file_name,
            mime,
            size_bytes: u64::try_from(size).unwrap_or(0),
            sha256,
            pages: small(pages),
            width: small(width),
            height: small(height),
            uploaded: Date::from_unix_days(created / 86_400_000_000).to_string(),
        },
        key,
    ))
}

/// The certificates of one of the viewer's entries, in upload order.
pub async fn for_entry(
    state: &AppState,
    viewer: &Viewer,
    entry_id: &str,
) -> Result<Vec<CertificateView>, AppError> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM certificates WHERE entry_id = $1 AND user_id = $2 ORDER BY created_at_us, id"
    ))
    .bind(entry_id)
    .bind(&viewer.user.id)
    .fetch_all(&state.db.pool)
    .await
    ?;
    let seal = state
        .db
        .records
        .firm_in(&state.db.pool, &viewer.user.firm_id)
        .await?;
    rows.into_iter()
        .map(|r| Ok(view(&seal, r)?.0))
        .collect::<anyhow::Result<_>>()
        .map_err(AppError::from)
}

/// One of the viewer's certificates with its object's name.
async fn own(
    conn: &mut sqlx::AnyConnection,
    records: &Records,
    viewer: &Viewer,
    id: &str,
) -> Result<(CertificateView, String), AppError> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM certificates WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(&viewer.user.id)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or(AppError::NotFound)?;
    let seal = records.firm(conn, &viewer.user.firm_id).await?;
    Ok(view(&seal, row)?)
}

/// A fresh link to one of the viewer's certificates, valid for the configured time (an
/// hour); issuing it is audited.
pub async fn link(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
    disposition: Disposition,
) -> Result<String, AppError> {
    let mut tx = state.db.begin().await?;
    let (cert, key) = own(&mut tx, &state.db.records, viewer, id).await?;
    let spec = LinkSpec {
        firm_id: &viewer.user.firm_id,
        key: &key,
        mime: &cert.mime,
        file_name: &cert.file_name,
        disposition,
        ttl_secs: state.config.storage.signed_url_ttl.as_secs(),
    };
    let target = Target::new("certificate", id);
    viewer
        .audited_link(
            state,
            tx,
            meta,
            &spec,
            Action::CertificateLinkIssued,
            &target,
        )
        .await
        .map_err(AppError::from)
}

/// Deletes one of the viewer's certificates (audited), undoable for a while (see
/// `backend::undo`); its file is removed when the deletion becomes final. Returns the
/// entry it belonged to.
pub async fn delete(
    state: &AppState,
    viewer: &Viewer,
    meta: &RequestMeta,
    id: &str,
) -> Result<String, AppError> {
    use crate::backend::undo::{self, Kind, Table};
    crate::backend::firm::restriction::guard(
        viewer,
        crate::backend::firm::restriction::Change::Delete,
    )?;
    let mut tx = state.db.begin().await?;
    let (cert, _) = own(&mut tx, &state.db.records, viewer, id).await?;
    let batch = undo::begin(
        &mut tx,
        &state.db.records,
        viewer,
        Kind::Certificate,
        &cert.file_name,
        &format!("/log/entry/{}#certificates", cert.entry_id),
    )
    .await?;
    undo::stash(&mut tx, &batch, viewer, Table::Certificates, "id", id)
        .await?
        .require_some()?;
    viewer
        .audit(
            &mut tx,
            meta,
            Action::CertificateDeleted,
            &Target::new("certificate", id),
        )
        .await?;
    tx.commit().await?;
    Ok(cert.entry_id)
}

/// Moves an entry's certificates into the entry's deletion batch on its transaction, each
/// deletion audited.
pub async fn stash_for_entry(
    conn: &mut sqlx::AnyConnection,
    batch: &str,
    viewer: &Viewer,
    meta: &RequestMeta,
    entry_id: &str,
) -> Result<(), AppError> {
    use crate::backend::undo::{self, Table};
    let ids: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM certificates WHERE entry_id = $1 AND user_id = $2")
            .bind(entry_id)
            .bind(&viewer.user.id)
            .fetch_all(&mut *conn)
            .await?;
    let moved = undo::stash(
        conn,
        batch,
        viewer,
        Table::Certificates,
        "entry_id",
        entry_id,
    )
    .await?
    .require_consistent()?;
    // A certificate added since the ids were read would be deleted unaudited: start over.
    if usize::try_from(moved).ok() != Some(ids.len()) {
        return Err(AppError::NotFound);
    }
    for (id,) in &ids {
        viewer
            .audit(
                conn,
                meta,
                Action::CertificateDeleted,
                &Target::new("certificate", id),
            )
            .await?;
    }
    Ok(())
}
