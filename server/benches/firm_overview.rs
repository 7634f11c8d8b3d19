//! The firm overview for a firm of 500 people with 50 entries each, on SQLite and (when
//! `TEST_POSTGRES_URL` is set, as `make bench` does) PostgreSQL. Prints the time to build
//! it; the goal is 100 ms. Run: `make bench` or `cargo bench -p server --bench firm_overview`.

mod seed;

use app::backend::config::Config;
use server::startup::Server;
use std::collections::HashMap;
use std::time::{Duration, Instant};

const PEOPLE: usize = 500;
const ENTRIES_EACH: usize = 50;
const RUNS: usize = 15;

fn config(database_url: &str, dir: &std::path::Path) -> Config {
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", database_url.to_owned()),
        ("SITE_ADDR", "127.0.0.1:0".to_owned()),
        ("DATA_DIR", dir.display().to_string()),
        ("SITE_ROOT", dir.join("site").display().to_string()),
        ("APP_SECRET", "11".repeat(32)),
        ("LOG_FORMAT", "json".to_owned()),
        // The server's workers are this package's binary, never the benchmark itself.
        (
            "INSPECT_COMMAND",
            env!("CARGO_BIN_EXE_cpd-registry").to_owned(),
        ),
    ]);
    Config::from_lookup(|name| vars.get(name).cloned()).expect("configuration")
}

async fn measure(name: &str, database_url: &str, dir: &std::path::Path) {
    let server = Server::start(config(database_url, dir))
        .await
        .expect("server");
    let firm = seed::firm(&server.state.db, "Bench & Co", PEOPLE, ENTRIES_EACH, 0).await;
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut people = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let rows = app::backend::firm::overview::standings(&server.state, &firm, 2026)
            .await
            .expect("overview");
        times.push(started.elapsed());
        people = rows.len();
    }
    // Where the time goes: reading (four queries) against evaluating.
    let started = Instant::now();
    let mut conn = server.state.db.pool.acquire().await.expect("conn");
    let logs =
        app::backend::firm::overview::logs(&mut conn, &server.state.db.records, &firm, None, false)
            .await
            .expect("logs");
    let read = started.elapsed();
    drop(conn);
    let started = Instant::now();
    for (_, log) in &logs {
        let _ = log.evaluate(2026, None);
    }
    let evaluate = started.elapsed();
    // The summed rows give the same answer as every entry one by one.
    let mut conn = server.state.db.pool.acquire().await.expect("conn");
    let full =
        app::backend::firm::overview::logs(&mut conn, &server.state.db.records, &firm, None, true)
            .await
            .expect("logs");
    drop(conn);
    for ((a, summed), (b, every)) in logs.iter().zip(&full) {
        assert_eq!(a.id, b.id);
        for year in 2020..=2027 {
            assert_eq!(
                summed.evaluate(year, None),
                every.evaluate(year, None),
                "{} {year}",
                a.id
            );
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "firm overview, {name}: {people} people × {ENTRIES_EACH} entries: median {:.1} ms, best {:.1} ms, worst {:.1} ms over {RUNS} runs (4 queries each; goal 100 ms)",
        ms(times[RUNS / 2]),
        ms(times[0]),
        ms(times[RUNS - 1]),
    );
    println!(
        "  of which reading {:.1} ms, evaluating {:.1} ms",
        ms(read),
        ms(evaluate)
    );
    // The dashboard: one person's log (50 entries) read and evaluated, as `get_log` does.
    let mut conn = server.state.db.pool.acquire().await.expect("conn");
    let someone: String =
        sqlx::query_scalar("SELECT id FROM users WHERE firm_id = $1 ORDER BY id LIMIT 1")
            .bind(&firm)
            .fetch_one(&mut *conn)
            .await
            .expect("a person");
    let user = app::backend::auth::users::by_id(&mut conn, &server.state.db.records, &someone)
        .await
        .expect("read")
        .expect("the person");
    let mut dash: Vec<Duration> = Vec::with_capacity(RUNS * 4);
    for _ in 0..RUNS * 4 {
        let started = Instant::now();
        let log = app::backend::training::load(&mut conn, &server.state.db.records, &user)
            .await
            .expect("log");
        let _ = log.evaluate(2026, None);
        dash.push(started.elapsed());
    }
    drop(conn);
    dash.sort();
    println!(
        "dashboard, {name}: one person's {ENTRIES_EACH} entries read and evaluated: median {:.2} ms, best {:.2} ms, worst {:.2} ms over {} runs",
        ms(dash[dash.len() / 2]),
        ms(dash[0]),
        ms(dash[dash.len() - 1]),
        dash.len()
    );
    server.stop().await.expect("stop");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    measure(
        "SQLite",
        &format!("sqlite://{}/bench.db", dir.path().display()),
        dir.path(),
    )
    .await;
    match seed::postgres_database().await {
        Some(url) => {
            let pg_dir = tempfile::tempdir().expect("temp dir");
            measure("PostgreSQL", &url, pg_dir.path()).await;
        }
        None => println!(
            "firm overview, PostgreSQL: skipped (TEST_POSTGRES_URL is not set; `make bench` sets it)"
        ),
    }
}
