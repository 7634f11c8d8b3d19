//! What a firm's archive holds: `firm.json` (the firm's settings and its people), the
//! overview as CSV for every year of its records, the whole audit log as CSV, and under
//! `people/` every person's own archive (as "Download all my data" makes it).

use super::archive::{Item, Source};
use super::person;
use crate::backend::auth::users;
use crate::backend::db::now_micros;
use crate::backend::state::AppState;
use crate::i18n::Lang;
use serde_json::json;

pub(super) async fn items(
    conn: &mut sqlx::AnyConnection,
    state: &AppState,
    firm_id: &str,
    lang: Lang,
) -> anyhow::Result<Vec<Item>> {
    let (name, org_number, default_rule_set, require): (String, String, String, i64) =
        sqlx::query_as(
            "SELECT name, org_number, default_rule_set, require_second_factor FROM firms WHERE id = $1",
        )
        .bind(firm_id)
        .fetch_one(&mut *conn)
        .await?;
    let people = users::of_firm(conn, &state.db.records, firm_id).await?;
    let folder = |u: &users::User| {
        let name = if u.full_name.is_empty() {
            &u.email
        } else {
            &u.full_name
        };
        format!("people/{}-{}/", person::safe_name(name), u.id)
    };
    let firm = json!({
        "format": "cpd-registry-firm-export",
        "version": super::FORMAT_VERSION,
        "exported_at": crate::backend::firm_audit::timestamp(now_micros()),
        "firm": {
            "id": firm_id, "name": name, "org_number": org_number,
            "default_rule_set": default_rule_set, "require_second_factor": require == 1,
        },
        "people": people.iter().map(|u| json!({
            "id": u.id, "full_name": u.full_name, "email": u.email, "role": u.role.as_str(),
            "status": u.status.as_str(), "folder": folder(u),
        })).collect::<Vec<_>>(),
    });
    let mut items = vec![
        Item::bytes("README.txt".to_owned(), readme(lang).into_bytes()),
        Item::bytes("firm.json".to_owned(), serde_json::to_vec_pretty(&firm)?),
    ];
    // Every year from the firm's first course to this one.
    let first: Option<String> =
        sqlx::query_scalar("SELECT MIN(entry_date) FROM entries WHERE firm_id = $1")
            .bind(firm_id)
            .fetch_one(&mut *conn)
            .await?;
    let this_year = crate::backend::account::today().year();
    let from = first
        .and_then(|d| d.get(..4).and_then(|y| y.parse::<i32>().ok()))
        .unwrap_or(this_year)
        .min(this_year);
    for year in from..=this_year {
        let rows = crate::backend::firm::overview::standings(state, firm_id, year).await?;
        items.push(Item::bytes(
            format!("overview-{year}.csv"),
            crate::backend::firm::overview::csv(&rows, year)?.into_bytes(),
        ));
    }
    items.push(Item {
        name: "audit-log.csv".to_owned(),
        source: Source::Stream(Box::pin(crate::backend::firm_audit::csv_stream(
            state.clone(),
            firm_id,
            &Default::default(),
        ))),
    });
    for user in &people {
        items.extend(person::items(conn, &state.db.records, user, &folder(user), lang).await?);
    }
    Ok(items)
}

fn readme(lang: Lang) -> String {
    match lang {
        Lang::En => "The firm's data from CPD Registry\n\n\
            firm.json          the firm's settings and its people (with their folders)\n\
            overview-YYYY.csv  everyone's standing in that year\n\
            audit-log.csv      every event of the firm's audit log, newest first\n\
            people/            each person's own archive: data.json, entries.csv,\n\
            \x20                  certificates/ and reports/ (see the README inside)\n"
            .to_owned(),
        Lang::Sv => "Byråns uppgifter från CPD Registry\n\n\
            firm.json          byråns inställningar och dess personer (med deras mappar)\n\
            overview-ÅÅÅÅ.csv  allas ställning det året\n\
            audit-log.csv      varje händelse i byråns granskningslogg, nyast först\n\
            people/            varje persons eget arkiv: data.json, entries.csv,\n\
            \x20                  certificates/ och reports/ (se README inuti)\n"
            .to_owned(),
    }
}
