//! The firm answers for its people's data: an owner or admin downloads a member's archive,
//! an owner the whole firm's; each only with a fresh confirmation, each re-checked at the
//! download, and each gone when the person in it is purged.

use crate::certificates::{new_entry, upload};
use crate::exports::{download, make_archive};
use crate::firm::{invite_and_join, user_id};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use serde_json::Value;
use server::inspect::samples::pdf;
use sha2::{Digest, Sha256};
use std::io::Read;

/// Every file of a ZIP, by name.
fn unzip(bytes: Vec<u8>) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a ZIP");
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).expect("file");
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).expect("read");
            (file.name().to_owned(), bytes)
        })
        .collect()
}

async fn the_firm_exports_a_member_and_itself(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let ada = invite_and_join(&app, &owner, "ada@berg.se", "admin").await;
    let dora = invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    let carl = invite_and_join(&app, &owner, "carl@berg.se", "member").await;
    let entry = new_entry(&dora, "Skatterätt").await;
    let (status, body) = upload(&dora, &entry, "intyg.pdf", pdf(2)).await;
    assert_eq!(status, 201, "{body}");
    let dora_id = user_id(&app, "dora@berg.se").await;
    let owner_id = user_id(&app, "owner@berg.se").await;

    // A member asks for nobody's archive; an admin not for the firm's, nor an owner's.
    let member_path = "/api/firm/request_member_export";
    app.step_up(&carl, "carl@berg.se").await;
    assert_eq!(
        carl.form(member_path, &[("id", &dora_id)])
            .await
            .status()
            .as_u16(),
        403
    );
    // Without a fresh confirmation, not even the admin.
    assert_eq!(
        ada.form(member_path, &[("id", &dora_id)])
            .await
            .status()
            .as_u16(),
        422
    );
    app.step_up(&ada, "ada@berg.se").await;
    assert_eq!(
        ada.form("/api/firm/request_firm_export", &[])
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        ada.form(member_path, &[("id", &owner_id)])
            .await
            .status()
            .as_u16(),
        403
    );
    let outsider = app.firm_owner("owner@holm.se").await;
    app.step_up(&outsider, "owner@holm.se").await;
    assert_eq!(
        outsider
            .form(member_path, &[("id", &dora_id)])
            .await
            .status()
            .as_u16(),
        404
    );

    // Ada's archive of Dora: Dora's data, certificate byte for byte; listed as Dora's.
    let of_dora = make_archive(&app, &ada, "ada@berg.se", member_path, &[("id", &dora_id)]).await;
    let page = ada.page("/account/data").await;
    assert!(page.contains("dora@berg.se's data"), "{page}");
    let (status, bytes) = download(&ada, &of_dora).await;
    assert!(matches!(status, 302 | 303 | 307), "{status}");
    let files = unzip(bytes);
    let data: Value = serde_json::from_slice(&files["data.json"]).expect("json");
    assert_eq!(data["profile"]["email"], "dora@berg.se");
    let certificate = &data["certificates"][0];
    assert_eq!(
        hex::encode(Sha256::digest(
            &files[certificate["file"].as_str().expect("file")]
        )),
        certificate["sha256"]
    );
    // Dora cannot download the firm's copy of her (it is Ada's), nor another admin.
    assert_eq!(download(&dora, &of_dora).await.0, 404);

    // The owner's archive of the firm.
    let of_firm = make_archive(
        &app,
        &owner,
        "owner@berg.se",
        "/api/firm/request_firm_export",
        &[],
    )
    .await;
    let (_, bytes) = download(&owner, &of_firm).await;
    let files = unzip(bytes);
    let firm: Value = serde_json::from_slice(&files["firm.json"]).expect("firm.json");
    let people = firm["people"].as_array().expect("people");
    assert_eq!(people.len(), 4, "{firm}");
    let folder = people
        .iter()
        .find(|p| p["email"] == "dora@berg.se")
        .and_then(|p| p["folder"].as_str())
        .expect("Dora's folder")
        .to_owned();
    let theirs: Value =
        serde_json::from_slice(&files[&format!("{folder}data.json")]).expect("her data.json");
    assert_eq!(theirs["entries"][0]["title"], "Skatterätt");
    let file = theirs["certificates"][0]["file"].as_str().expect("file");
    assert!(
        files.contains_key(&format!("{folder}{file}")),
        "{:?}",
        files.keys()
    );
    let audit = String::from_utf8(files["audit-log.csv"].clone()).expect("utf-8");
    assert!(
        audit.starts_with("seq,time_utc,actor,action,target,ip"),
        "{audit}"
    );
    assert!(audit.contains("export.requested"), "{audit}");
    let year = app::backend::account::today().year();
    let overview = String::from_utf8(files[&format!("overview-{year}.csv")].clone()).expect("csv");
    assert!(overview.contains("dora@berg.se"), "{overview}");

    // Rights are checked again at the download: Ada made a member loses Dora's archive.
    let demoted = owner
        .form(
            "/api/firm/change_role",
            &[
                ("id", &user_id(&app, "ada@berg.se").await),
                ("role", "member"),
            ],
        )
        .await;
    assert!(demoted.status().is_success());
    let ada = app.signed_in_browser("ada@berg.se").await;
    assert_eq!(download(&ada, &of_dora).await.0, 404);

    // Dora's purge takes every archive she is in: hers by the firm, and the firm's.
    app.step_up(&owner, "owner@berg.se").await;
    let asked = owner
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert!(asked.status().is_success());
    let state = &app.server.as_ref().expect("running").state;
    let later = app::backend::db::now_micros() + 31 * 86_400 * 1_000_000;
    assert_eq!(
        app::backend::erasure::purge_due(state, later)
            .await
            .expect("purge"),
        1
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exports WHERE id IN ($1, $2)")
        .bind(&of_dora)
        .bind(&of_firm)
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
    assert_eq!(download(&owner, &of_firm).await.0, 404);
    app.assert_audit_verifies().await;
    app.stop().await;
}
on_both_backends!(the_firm_exports_a_member_and_itself);
