use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub sent_at_us: Option<i64>,
}

/// The development mailbox: the latest mail the application sent. Exists only when
/// `APP_ENV` is development and no SMTP server is configured, and answers only a browser on
/// this machine (loopback): a development server reachable from a network never shows
/// anyone else the codes it sends.
#[server(prefix = "/api", endpoint = "dev/list_mailbox")]
pub async fn list_mailbox() -> Result<Vec<DevMail>, AppError> {
    let call = crate::api::support::call()?;
    let local = call.meta.ip.is_some_and(|ip| ip.is_loopback());
    if call.state.config.is_production() || call.state.config.mail.smtp_url.is_some() || !local {
        return Err(call.fail(AppError::NotFound));
    }
    let rows: Vec<(String, String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, to_addr, subject, text_body, sent_at_us FROM outbox ORDER BY created_at_us DESC LIMIT 50",
    )
    .fetch_all(&call.state.db.pool)
    .await
    ?;
    // Sealed in the table like every other mail: opened here, to show.
    use crate::backend::sealing::Field;
    let seal = call.state.db.records.system();
    rows.into_iter()
        .map(|(id, to, subject, text, sent_at_us)| {
            Ok(DevMail {
                to: seal.open(Field::OutboxTo, &id, &to)?,
                subject: seal.open(Field::OutboxSubject, &id, &subject)?,
                text: seal.open(Field::OutboxText, &id, &text)?,
                sent_at_us,
            })
        })
        .collect::<anyhow::Result<_>>()
        .map_err(|e| call.fail(AppError::from(e)))
}
