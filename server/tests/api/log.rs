//! The training log through its server functions: CRUD, validation, isolation between
//! people, CSV import and export, and the dashboard agreeing with `cpd-registry compliance`.

use crate::helpers::{Backend, Browser, TestApp};
use crate::on_both_backends;
use serde_json::Value;

fn entry<'a>(
    date: &'a str,
    title: &'a str,
    hours: &'a str,
    category: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("date", date),
        ("title", title),
        ("provider", "Advokatsamfundet"),
        ("hours", hours),
        ("category", category),
        ("verifiable", "on"),
        ("topic", ""),
        ("notes", ""),
    ]
}

async fn log_of(browser: &Browser) -> Value {
    let response = browser.form("/api/log/get_log", &[]).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

async fn add(browser: &Browser, fields: &[(&str, &str)]) -> reqwest::Response {
    browser.form("/api/log/create_entry", fields).await
}

async fn set_profile(browser: &Browser) {
    let saved = browser
        .form(
            "/api/account/update_profile",
            &[
                ("full_name", "Anna Berg"),
                ("title", "advokat"),
                ("admission_date", "2015-09-01"),
                ("birth_date", "1980-02-02"),
                ("rule_set", ""),
                ("language", "en"),
            ],
        )
        .await;
    assert!(saved.status().is_success());
}

async fn entries_are_added_changed_copied_and_deleted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let created = add(
        &anna,
        &entry("2026-03-01", "Arbitration day", "3,5", "teacher-led"),
    )
    .await;
    assert!(created.status().is_success(), "{}", created.status());
    assert_eq!(created.headers()["location"], "/log?year=2026&added=1");
    let log = log_of(&anna).await;
    let entries = log["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["quarters"], 14);
    assert_eq!(entries[0]["verifiable"], true);
    let id = entries[0]["id"].as_str().expect("id").to_owned();

    let mut changed = entry("2026-03-02", "Arbitration day 2", "4", "e-learning");
    changed.retain(|(k, _)| *k != "verifiable");
    changed.push(("id", &id));
    assert!(
        anna.form("/api/log/update_entry", &changed)
            .await
            .status()
            .is_success()
    );
    let got: Value = anna
        .form("/api/log/get_entry", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            &got["title"],
            &got["quarters"],
            &got["category"],
            &got["verifiable"]
        ),
        (
            &Value::from("Arbitration day 2"),
            &Value::from(16),
            &Value::from("e-learning"),
            &Value::from(false)
        )
    );

    let copy = anna.form("/api/log/duplicate_entry", &[("id", &id)]).await;
    assert!(copy.status().is_success());
    let location = copy.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        location.starts_with("/log/entry/") && location.ends_with("?duplicated=1"),
        "{location}"
    );
    assert_eq!(
        log_of(&anna).await["entries"].as_array().map(Vec::len),
        Some(2)
    );

    let deleted = anna.form("/api/log/delete_entry", &[("id", &id)]).await;
    assert_eq!(deleted.headers()["location"], "/log?year=2026&deleted=1");
    assert_eq!(
        log_of(&anna).await["entries"].as_array().map(Vec::len),
        Some(1)
    );
    let again = anna.form("/api/log/delete_entry", &[("id", &id)]).await;
    assert_eq!(again.status(), 404);

    let actions = app.audit_actions().await;
    for action in [
        "log.entry_created",
        "log.entry_updated",
        "log.entry_deleted",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }
    app.stop().await;
}
on_both_backends!(entries_are_added_changed_copied_and_deleted);

async fn bad_entries_are_refused_and_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    for (fields, field) in [
        (entry("2026-03-01", "", "2", "teacher-led"), "title"),
        (entry("2026-03-01", "Course", "0", "teacher-led"), "hours"),
        (entry("2026-03-01", "Course", "25", "teacher-led"), "hours"),
        (entry("2026-03-01", "Course", "1.1", "teacher-led"), "hours"),
        (entry("2026-03-01", "Course", "-1", "teacher-led"), "hours"),
        (entry("2031-03-01", "Course", "2", "teacher-led"), "date"),
        (entry("2026-02-30", "Course", "2", "teacher-led"), "date"),
        (entry("2026-03-01", "Course", "2", "webinar"), "category"),
    ] {
        let response = add(&anna, &fields).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let body = response.text().await.expect("body");
        assert!(body.contains(field), "{field}: {body}");
    }
    assert_eq!(
        log_of(&anna).await["entries"].as_array().map(Vec::len),
        Some(0)
    );

    // A form post that is refused is answered with the form's page: every field as typed,
    // the message at each wrong one, a summary linked to them, and no query string.
    let typed = [
        ("date", "2040-01-01"),
        ("title", "Arbetsrätt <i>i</i> praktiken"),
        ("provider", "Advokatsamfundet"),
        ("hours", "25"),
        ("category", "e-learning"),
        ("topic", "ethics"),
        ("notes", "Anteckning om kursen"),
    ];
    let response = anna
        .html_form("/api/log/create_entry", &typed, "/log/new")
        .await;
    assert_eq!(response.status(), 422);
    assert!(response.headers().get("location").is_none());
    let page = response.text().await.expect("body");
    for expected in [
        r#"value="2040-01-01""#,
        r#"value="Arbetsrätt &lt;i&gt;i&lt;/i&gt; praktiken""#,
        r#"value="Advokatsamfundet""#,
        r#"value="25""#,
        r#"value="e-learning" checked"#,
        r#"value="ethics" selected"#,
        ">Anteckning om kursen</textarea>",
        r##"href="#date""##,
        r##"href="#hours""##,
        r#"id="date-error""#,
        r#"id="hours-error""#,
        "Enter hours between 0.25 and 24",
    ] {
        assert!(page.contains(expected), "{expected} missing in {page}");
    }
    assert!(!page.contains("<i>i</i>"), "typed text is escaped");
    // The verifiable box was left unticked: it stays unticked.
    assert!(!page.contains(r#"name="verifiable" checked"#), "{page}");
    // A title near its limit of 200 comes back with its count-down; a short one without.
    let long_title = "Arbetsrätt ".repeat(17) + "Arbetsrä";
    assert_eq!(long_title.chars().count(), 195);
    let near = [("title", long_title.as_str()), ("hours", "25")];
    let typed_near: Vec<(&str, &str)> = typed
        .iter()
        .map(|(k, v)| near.iter().find(|(n, _)| n == k).map_or((*k, *v), |n| *n))
        .collect();
    let page = anna
        .html_form("/api/log/create_entry", &typed_near, "/log/new")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains(r#"id="title-left""#) && page.contains("5 characters left"));
    assert_eq!(
        page.matches("characters left").count(),
        1,
        "only the title counts down"
    );
    // Signed out, nothing at all.
    let stranger = app.browser();
    assert_eq!(
        add(
            &stranger,
            &entry("2026-03-01", "Course", "2", "teacher-led")
        )
        .await
        .status(),
        401
    );
    assert_eq!(stranger.form("/api/log/get_log", &[]).await.status(), 401);
    app.stop().await;
}
on_both_backends!(bad_entries_are_refused_and_change_nothing);

async fn another_persons_log_is_not_found_through_any_function(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let bo = app.signed_in_browser("bo@other.se").await;
    add(
        &anna,
        &entry("2026-03-01", "Anna's course", "3", "teacher-led"),
    )
    .await;
    anna.form(
        "/api/log/add_leave",
        &[("from", "2026-01-01"), ("to", "2026-04-30"), ("reason", "")],
    )
    .await;
    let log = log_of(&anna).await;
    let entry_id = log["entries"][0]["id"].as_str().expect("id").to_owned();
    let leave_id = log["leaves"][0]["id"].as_str().expect("id").to_owned();
    let staged = anna
        .form(
            "/api/log/stage_import",
            &[(
                "content",
                "date,title,hours,category\n2026-05-01,X,1,teacher-led\n",
            )],
        )
        .await;
    let import_id = staged.headers()["location"]
        .to_str()
        .expect("ascii")
        .rsplit('=')
        .next()
        .expect("id")
        .to_owned();

    let mut update = entry("2026-03-01", "Taken over", "1", "teacher-led");
    update.push(("id", &entry_id));
    for (path, fields) in [
        ("/api/log/get_entry", vec![("id", entry_id.as_str())]),
        ("/api/log/update_entry", update.clone()),
        ("/api/log/duplicate_entry", vec![("id", entry_id.as_str())]),
        ("/api/log/delete_entry", vec![("id", entry_id.as_str())]),
        ("/api/log/delete_leave", vec![("id", leave_id.as_str())]),
        ("/api/log/get_import", vec![("id", import_id.as_str())]),
        ("/api/log/confirm_import", vec![("id", import_id.as_str())]),
    ] {
        let response = bo.form(path, &fields).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let bo_log = log_of(&bo).await;
    assert_eq!(bo_log["entries"], Value::Array(vec![]));
    assert_eq!(bo_log["leaves"], Value::Array(vec![]));
    // Bo's cancel of Anna's import does nothing to it.
    bo.form("/api/log/cancel_import", &[("id", &import_id)])
        .await;
    assert_eq!(
        anna.form("/api/log/get_import", &[("id", &import_id)])
            .await
            .status(),
        200
    );
    // Anna's log is untouched.
    let after = log_of(&anna).await;
    assert_eq!(after["entries"][0]["title"], "Anna's course");
    assert_eq!(after["entries"].as_array().map(Vec::len), Some(1));
    assert_eq!(after["leaves"].as_array().map(Vec::len), Some(1));
    // And Bo's export holds none of it.
    let csv = bo.page("/log/export.csv").await;
    assert!(!csv.contains("Anna"), "{csv}");
    app.stop().await;
}
on_both_backends!(another_persons_log_is_not_found_through_any_function);

async fn csv_import_previews_then_saves_only_what_was_confirmed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let file = "date,title,provider,hours,category\n2026-02-01,Tax law,Juridicum,2.5,teacher-led\n2026-02-30,Bad date,X,1,teacher-led\n2026-03-01,GDPR,\"Firm, internal\",1,e-learning\n";
    let staged = anna
        .form("/api/log/stage_import", &[("content", file)])
        .await;
    let location = staged.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(location.starts_with("/log/import?id="), "{location}");
    let id = location.rsplit('=').next().expect("id").to_owned();
    let preview: Value = anna
        .form("/api/log/get_import", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    let rows = preview["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert!(rows[0]["error"].is_null());
    assert_eq!(rows[1]["line"], 3);
    assert!(
        rows[1]["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("Date:")),
        "{rows:?}"
    );
    // The preview page names the bad row too.
    let page = anna.page(&location).await;
    assert!(
        page.contains("Bad date") && page.contains("Date:"),
        "{page}"
    );
    assert_eq!(
        log_of(&anna).await["entries"].as_array().map(Vec::len),
        Some(0),
        "nothing before confirming"
    );

    let confirmed = anna.form("/api/log/confirm_import", &[("id", &id)]).await;
    assert_eq!(confirmed.headers()["location"], "/log?imported=2");
    let log = log_of(&anna).await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        anna.form("/api/log/confirm_import", &[("id", &id)])
            .await
            .status(),
        404,
        "only once"
    );

    // Export and import again: the same entries.
    let export = anna.get("/log/export.csv?year=2026").await;
    assert_eq!(export.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = export.text().await.expect("csv");
    assert!(
        csv.starts_with("date,title,provider,hours,category,verifiable,topic,notes\n"),
        "{csv}"
    );
    assert!(csv.contains("\"Firm, internal\""), "{csv}");
    let staged = anna
        .form("/api/log/stage_import", &[("content", &csv)])
        .await;
    let id = staged.headers()["location"]
        .to_str()
        .expect("ascii")
        .rsplit('=')
        .next()
        .expect("id")
        .to_owned();
    anna.form("/api/log/confirm_import", &[("id", &id)]).await;
    let entries = log_of(&anna).await["entries"]
        .as_array()
        .cloned()
        .expect("entries");
    assert_eq!(entries.len(), 4);
    let key = |e: &Value| {
        (
            e["date"].clone(),
            e["title"].clone(),
            e["provider"].clone(),
            e["quarters"].clone(),
            e["category"].clone(),
        )
    };
    assert_eq!(key(&entries[0]), key(&entries[1]));
    assert_eq!(key(&entries[2]), key(&entries[3]));
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "log.entries_imported"));
    assert!(actions.iter().any(|a| a == "log.entries_exported"));
    app.stop().await;
}
on_both_backends!(csv_import_previews_then_saves_only_what_was_confirmed);

/// From the review: `/log?imported=<any text>` put that text in the page's status box, so a
/// link anyone could send made the registry say what they liked. Only a count is shown.
async fn the_log_shows_an_imported_count_and_never_text_from_the_url(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let counted = anna.page("/log?imported=2").await;
    assert!(counted.contains("Entries imported: 2"), "{counted}");
    for hostile in [
        "Your%20account%20is%20suspended%3A%20call%20%2B46%2070%20000%2000%2000",
        "2%20%E2%80%94%20your%20account%20is%20suspended",
        "%2B2",
        "%3Cb%3Esuspended%3C%2Fb%3E",
    ] {
        let page = anna.page(&format!("/log?imported={hostile}")).await;
        assert!(
            page.contains("data-testid=\"log-total\""),
            "the log renders"
        );
        assert!(!page.contains("Entries imported"), "{hostile}: {page}");
        assert!(!page.contains("account is suspended"), "{hostile}: {page}");
        assert!(!page.contains("<b>suspended"), "{hostile}: {page}");
    }
    app.stop().await;
}
on_both_backends!(the_log_shows_an_imported_count_and_never_text_from_the_url);

/// The figure a dashboard shows under `data-testid`.
fn figure(page: &str, testid: &str) -> String {
    let marker = format!("data-testid=\"{testid}\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("{testid} on the page: {page}"));
    let rest = &page[start..];
    let text = &rest[rest.find('>').expect("tag end") + 1..];
    text.split('<').next().unwrap_or_default().to_owned()
}

async fn the_dashboard_agrees_with_the_command_line(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_profile(&anna).await;
    for fields in [
        entry("2025-04-01", "Big conference, day 1", "15", "teacher-led"),
        entry("2025-04-02", "Big conference, day 2", "15", "teacher-led"),
        entry("2026-02-01", "Procedure", "4", "teacher-led"),
        entry("2026-03-01", "Online ethics", "5", "e-learning"),
        entry("2026-04-01", "Online GDPR", "3.25", "e-learning"),
    ] {
        assert!(add(&anna, &fields).await.status().is_success());
    }
    anna.form(
        "/api/log/add_leave",
        &[
            ("from", "2026-05-01"),
            ("to", "2026-08-31"),
            ("reason", "parental leave"),
        ],
    )
    .await;
    anna.form(
        "/api/log/set_exemption",
        &[("year", "2026"), ("exempt", "yes")],
    )
    .await;
    let log = log_of(&anna).await;
    let input = serde_json::json!({
        "rule_set": log["rule_set"],
        "year": 2026,
        "as_of": log["today"],
        "profile": { "admitted": log["admitted"], "born": log["born"] },
        "entries": log["entries"].as_array().expect("entries").iter().map(|e| serde_json::json!({
            "date": e["date"], "hours": e["quarters"].as_f64().expect("q") / 4.0,
            "category": e["category"], "verifiable": e["verifiable"],
        })).collect::<Vec<_>>(),
        "leaves": log["leaves"].as_array().expect("leaves").iter().map(|l| serde_json::json!({"from": l["from"], "to": l["to"]})).collect::<Vec<_>>(),
        "exemptions": log["exemptions"].as_array().expect("x").iter().map(|y| serde_json::json!({"year": y, "kind": "age-70"})).collect::<Vec<_>>(),
    });
    let today = domain::Date::parse(log["today"].as_str().expect("today")).expect("date");
    let cli: Value =
        serde_json::from_str(&server::compliance::run(&input.to_string(), today).expect("runs"))
            .expect("json");
    let page = anna.page("/dashboard?year=2026").await;
    let hours = |v: &Value| {
        domain::Hours::from_quarters((v.as_f64().expect("number") * 4.0) as u32).to_string()
    };
    assert_eq!(figure(&page, "required"), hours(&cli["required"]));
    assert_eq!(figure(&page, "counted"), hours(&cli["counted"]));
    assert_eq!(figure(&page, "shortfall"), hours(&cli["shortfall"]));
    assert_eq!(figure(&page, "carried-in"), hours(&cli["carried_in"]));
    assert_eq!(figure(&page, "carry-out"), hours(&cli["carry_out"]));
    assert_eq!(
        figure(&page, "e-learning"),
        format!("{} / 6", hours(&cli["by_category"]["e-learning"]))
    );
    // 2025's surplus of 12 carries in; the e-learning cap drops 2.25; leave of four months
    // lowers 18 to 12; the exemption is ignored (born 1980) with a warning.
    assert_eq!(cli["carried_in"], 12.0);
    assert_eq!(cli["excluded"]["e-learning-cap"], 2.25);
    assert_eq!(cli["required"], 12.0);
    for sentence in cli["explanation"].as_array().expect("sentences") {
        let sentence = sentence.as_str().expect("text");
        assert!(page.contains(sentence), "{sentence} on the dashboard");
    }
    assert!(page.contains("Warning:"));
    app.stop().await;
}
on_both_backends!(the_dashboard_agrees_with_the_command_line);

/// A course logged ahead is not counted until its date, and every place that shows totals
/// says so; the log marks it; the new-entry preview counts what is planned.
async fn a_course_logged_ahead_is_announced_not_silently_left_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_profile(&anna).await;
    let today =
        domain::Date::parse(log_of(&anna).await["today"].as_str().expect("today")).expect("date");
    let ahead = domain::Date::from_unix_days(today.to_unix_days() + 1);
    let year = ahead.year();
    let date = ahead.to_string();
    assert!(
        add(
            &anna,
            &entry(&date, "Planned ethics day", "3", "teacher-led")
        )
        .await
        .status()
        .is_success()
    );
    let expected = format!(
        "1 course dated after today is not counted yet: 3 h on {} {}.",
        ahead.day(),
        &app::i18n::EN.month_names[usize::from(ahead.month() - 1)][..3]
    );
    for page in [
        format!("/dashboard?year={year}"),
        format!("/log?year={year}"),
    ] {
        let html = anna.page(&page).await;
        assert!(html.contains(&expected), "{page}: {html}");
    }
    let log = anna.page(&format!("/log?year={year}")).await;
    assert!(log.contains("Counts from its date"), "{log}");
    assert!(
        log.contains(&format!(r#"<time datetime="{date}">"#)),
        "{log}"
    );
    // The preview of the year counts it (as the year will stand), the dashboard does not.
    let data = log_of(&anna).await;
    let log_data: app::model::LogData = serde_json::from_value(data).expect("log data");
    assert_eq!(log_data.evaluate(year, None).counted, domain::Hours::ZERO);
    assert_eq!(
        log_data.evaluate_planned(year, None).counted,
        domain::Hours::whole(3)
    );
    app.stop().await;
}
on_both_backends!(a_course_logged_ahead_is_announced_not_silently_left_out);

/// Posts a CSV file's bytes to the import's upload route, as the page's form does.
async fn upload_csv(browser: &Browser, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("kurser.csv"),
        )
        .text("content", "");
    browser
        .client
        .post(browser.url("/log/import/upload"))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("POST")
}

/// Real Swedish files: Excel's Windows-1252 with semicolons, Swedish column names in
/// another order, Swedish values; UTF-16 with a BOM; and a stray quote that would swallow
/// the following lines is refused, not merged into one "OK" course.
async fn swedish_excel_files_import_exactly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let text = "Titel;Datum;Timmar;Kategori;Anordnare;Ämne\r\n\
                Arbetsrätt i praktiken;2026-03-12;2,5;Lärarledd;Advokatsamfundet;Etik\r\n\
                Förhandlingsteknik;2026-04-02;1,5;E-lärande;Juridicum;\r\n";
    let (cp1252, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    let response = upload_csv(&anna, cp1252.into_owned()).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let id = location.rsplit('=').next().expect("id").to_owned();
    let preview: Value = anna
        .form("/api/log/get_import", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(preview["encoding"], "Windows-1252");
    assert_eq!(preview["rows"][0]["title"], "Arbetsrätt i praktiken");
    assert!(
        preview["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .all(|r| r["error"].is_null()),
        "{preview}"
    );
    let mapping: Vec<(String, String)> = preview["mapping"]
        .as_array()
        .expect("mapping")
        .iter()
        .map(|m| {
            (
                m["header"].as_str().unwrap_or_default().to_owned(),
                m["column"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect();
    assert_eq!(mapping[0], ("Titel".to_owned(), "Title".to_owned()));
    assert_eq!(
        mapping[5],
        ("Ämne".to_owned(), "Subject area (optional)".to_owned())
    );
    let page = anna.page(&location).await;
    assert!(
        page.contains("Read as Windows-1252"),
        "the mapping is shown: {page}"
    );
    anna.form("/api/log/confirm_import", &[("id", &id)]).await;
    let log = log_of(&anna).await;
    let entries = log["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 2);
    let first = entries
        .iter()
        .find(|e| e["date"] == "2026-03-12")
        .expect("first");
    assert_eq!(first["title"], "Arbetsrätt i praktiken");
    assert_eq!(first["provider"], "Advokatsamfundet");
    assert_eq!(first["quarters"], 10);
    assert_eq!(first["category"], "teacher-led");
    assert_eq!(first["topic"], "ethics");

    // UTF-16 LE with its BOM, as Excel's "Unicode text" saves it (tabs).
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in
        "datum\ttitel\ttimmar\tkategori\n2026-05-05\tSkatterätt\t3\tlärarledd\n".encode_utf16()
    {
        utf16.extend(unit.to_le_bytes());
    }
    let response = upload_csv(&anna, utf16).await;
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let id = location.rsplit('=').next().expect("id").to_owned();
    let preview: Value = anna
        .form("/api/log/get_import", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(preview["encoding"], "UTF-16");
    assert_eq!(preview["rows"][0]["title"], "Skatterätt");
    assert!(preview["rows"][0]["error"].is_null(), "{preview}");

    // A stray quote: the row that swallowed lines is refused and names them.
    let stray = "date,title,hours,category\n2026-06-01,\"Open quote,2,teacher-led\n2026-06-02,B,1,teacher-led\n2026-06-03,C,1,teacher-led\n";
    let response = upload_csv(&anna, stray.as_bytes().to_vec()).await;
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let id = location.rsplit('=').next().expect("id").to_owned();
    let preview: Value = anna
        .form("/api/log/get_import", &[("id", &id)])
        .await
        .json()
        .await
        .expect("json");
    let rows = preview["rows"].as_array().expect("rows");
    assert!(
        rows.iter().all(|r| !r["error"].is_null()),
        "nothing merged passes: {preview}"
    );
    assert!(
        rows[0]["error"]
            .as_str()
            .unwrap_or_default()
            .contains("Lines 2–"),
        "{preview}"
    );

    // Without a file or text: the page again, saying so.
    let empty = anna
        .client
        .post(anna.url("/log/import/upload"))
        .multipart(reqwest::multipart::Form::new().text("content", ""))
        .send()
        .await
        .expect("POST");
    assert_eq!(empty.status(), 422);
    assert!(
        empty
            .text()
            .await
            .expect("body")
            .contains("no rows to import")
    );
    app.stop().await;
}
on_both_backends!(swedish_excel_files_import_exactly);

/// The age-70 exemption is offered only to someone who can have it: not to a 46-year-old.
async fn the_age_70_exemption_is_offered_only_near_70(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    set_profile(&anna).await; // born 1980
    let page = anna.page("/account/leave").await;
    assert!(
        page.contains(r#"data-testid="exemption-not-yet""#),
        "{page}"
    );
    assert!(
        !page.contains("/api/log/set_exemption\" class"),
        "no form: {page}"
    );
    let saved = anna
        .form(
            "/api/account/update_profile",
            &[
                ("full_name", "Anna Berg"),
                ("title", "advokat"),
                ("admission_date", "1985-09-01"),
                ("birth_date", "1950-02-02"),
                ("rule_set", ""),
                ("language", "en"),
            ],
        )
        .await;
    assert!(saved.status().is_success());
    let page = anna.page("/account/leave").await;
    assert!(
        !page.contains(r#"data-testid="exemption-not-yet""#),
        "{page}"
    );
    assert!(
        page.contains(r#"action="/api/log/set_exemption""#),
        "{page}"
    );
    app.stop().await;
}
on_both_backends!(the_age_70_exemption_is_offered_only_near_70);

/// FAR's 20 hours every year: a past year of the window below its floor is said plainly on
/// the dashboard, apart from the hours that can still be logged, as the command says it.
async fn the_dashboard_says_when_a_past_year_can_no_longer_be_met(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let eva = app
        .person("eva@revision.se")
        .named("Eva Lund")
        .title("auktoriserad_revisor")
        .born("1980-02-02")
        .course("2024-03-01", "Audit day 1", "20")
        .course("2024-03-02", "Audit day 2", "20")
        .course("2025-03-01", "Ethics", "10")
        .course("2026-02-01", "Standards day 1", "15")
        .course("2026-02-02", "Standards day 2", "15")
        .create()
        .await;
    // Seeded through the backend: the same person the session shows.
    assert_eq!(eva.viewer.user.rule_set, "se-revisor-far");
    let eva = eva.browser;
    let log = log_of(&eva).await;
    assert_eq!(log["rule_set"], "se-revisor-far");
    let input = serde_json::json!({
        "rule_set": "se-revisor-far",
        "year": 2026,
        "as_of": log["today"],
        "entries": log["entries"].as_array().expect("entries").iter().map(|e| serde_json::json!({
            "date": e["date"], "hours": e["quarters"].as_f64().expect("q") / 4.0,
            "category": e["category"], "verifiable": e["verifiable"],
        })).collect::<Vec<_>>(),
    });
    let today = domain::Date::parse(log["today"].as_str().expect("today")).expect("date");
    let cli: Value =
        serde_json::from_str(&server::compliance::run(&input.to_string(), today).expect("runs"))
            .expect("json");
    assert_eq!(cli["missing"]["can_still_be_met"], false);
    assert_eq!(cli["missing"]["missed_years"][0]["year"], 2025);
    let page = eva.page("/dashboard?year=2026").await;
    let missed = figure(&page, "missed-year");
    assert!(
        missed.contains("2025 had 10 of the 20 hours required that year"),
        "{missed}"
    );
    assert!(missed.contains("contact your regulator"), "{missed}");
    // The same sentences as the command, none contradicting the status.
    for sentence in cli["explanation"].as_array().expect("sentences") {
        let sentence = sentence.as_str().expect("text");
        assert!(page.contains(sentence), "{sentence} on the dashboard");
    }
    assert!(!page.contains("0 short"));
    app.stop().await;
}
on_both_backends!(the_dashboard_says_when_a_past_year_can_no_longer_be_met);
