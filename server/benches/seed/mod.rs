//! Firms full of people and courses, written straight into the database (one multi-row
//! insert per person), for the benchmarks that need volume.

use app::backend::db::Db;
use app::backend::sealing::Field;

/// A firm named `name` with `people` members of `entries_each` courses each (spread over
/// five years, every fourth e-learning); `tag` keeps addresses apart between firms.
/// Returns the firm's id.
pub async fn firm(db: &Db, name: &str, people: usize, entries_each: usize, tag: usize) -> String {
    let firm = uuid::Uuid::now_v7().to_string();
    let mut tx = db.begin().await.expect("tx");
    sqlx::query("INSERT INTO firms (id, name, created_at_us) VALUES ($1, $2, 0)")
        .bind(&firm)
        .bind(name)
        .execute(&mut *tx)
        .await
        .expect("firm");
    // Rows are written as the application writes them: personal fields sealed.
    let seal = db.records.firm(&mut tx, &firm).await.expect("firm key");
    for p in 0..people {
        let user = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO users (id, firm_id, email, email_index, full_name, title, role, rule_set, admission_date, created_at_us) \
             VALUES ($1, $2, $3, $4, $5, 'advokat', 'member', 'se-advokat', $6, 0)",
        )
        .bind(&user)
        .bind(&firm)
        .bind(seal.seal(Field::UserEmail, &user, &format!("person{p}.{tag}@bench.se")))
        .bind(db.records.email_index(&format!("person{p}.{tag}@bench.se")))
        .bind(seal.seal(Field::UserName, &user, &format!("Person {p}")))
        .bind(seal.seal(Field::UserAdmissionDate, &user, "2010-01-01"))
        .execute(&mut *tx)
        .await
        .expect("user");
        let mut sql = String::from(
            "INSERT INTO entries (id, user_id, firm_id, entry_date, title, provider, quarters, category, verifiable, topic, notes, created_at_us, updated_at_us) VALUES ",
        );
        for e in 0..entries_each {
            if e > 0 {
                sql.push(',');
            }
            let year = 2022 + (e % 5);
            let category = if e % 4 == 0 {
                "e-learning"
            } else {
                "teacher-led"
            };
            let id = uuid::Uuid::now_v7().to_string();
            // Sealed values are base64url after `s1.`: nothing to quote.
            sql.push_str(&format!(
                "('{id}', '{user}', '{firm}', '{year}-{:02}-{:02}', '{}', '{}', {}, '{category}', 1, NULL, '', 0, 0)",
                e % 12 + 1,
                e % 28 + 1,
                seal.seal(Field::EntryTitle, &id, &format!("Course {e}")),
                seal.seal(Field::EntryProvider, &id, "Provider"),
                4 + (p + e) % 12,
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await.expect("entries");
    }
    tx.commit().await.expect("commit");
    firm
}

/// A new database on the PostgreSQL server `TEST_POSTGRES_URL` names (`make bench` starts
/// one); `None` without it.
pub async fn postgres_database() -> Option<String> {
    use sqlx::Connection;
    let admin = std::env::var("TEST_POSTGRES_URL").ok()?;
    sqlx::any::install_default_drivers();
    let name = format!("bench_{}", uuid::Uuid::now_v7().simple());
    let mut conn = sqlx::AnyConnection::connect(&admin).await.expect("connect");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create");
    let (base, _) = admin.rsplit_once('/').expect("URL ends with /DB");
    Some(format!("{base}/{name}"))
}
