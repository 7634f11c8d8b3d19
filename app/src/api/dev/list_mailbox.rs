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
    let rows: Vec<(String, String, String, Option<i64>)> = sqlx::query_as(
        "SELECT to_addr, subject, text_body, sent_at_us FROM outbox ORDER BY created_at_us DESC LIMIT 50",
    )
    .fetch_all(&call.state.db.pool)
    .await
    ?;
    Ok(rows
        .into_iter()
        .map(|(to, subject, text, sent_at_us)| DevMail {
            to,
            subject,
            text,
            sent_at_us,
        })
        .collect())
}
