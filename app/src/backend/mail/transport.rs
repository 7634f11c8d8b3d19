//! Where mail goes: an SMTP server, or the development mailbox.

use super::OutgoingMail;
use anyhow::Context as _;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub const FROM_DEFAULT: &str = "CPD Registry <no-reply@cpd-registry.localhost>";

#[derive(Debug)]
pub enum Transport {
    /// Any SMTP provider. `smtp://host:port` is plain (add `?tls=required` for STARTTLS),
    /// `smtps://` is implicit TLS, as lettre reads the URL.
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// Development only: messages stay in the outbox and are listed at /dev/mailbox.
    DevMailbox,
}

impl Transport {
    pub fn smtp(url: &str, from: &str) -> anyhow::Result<Transport> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .context("SMTP_URL is not a valid SMTP URL")?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Ok(Transport::Smtp {
            transport,
            from: from.parse().context("invalid sender address")?,
        })
    }

    pub fn keeps_content(&self) -> bool {
        matches!(self, Transport::DevMailbox)
    }

    pub async fn send(&self, mail: &OutgoingMail) -> anyhow::Result<()> {
        match self {
            Transport::DevMailbox => {
                tracing::info!(
                    subject_len = mail.subject.len(),
                    "mail delivered to the development mailbox"
                );
                Ok(())
            }
            Transport::Smtp { transport, from } => {
                let message = Message::builder()
                    .from(from.clone())
                    .to(mail.to.parse().context("invalid recipient address")?)
                    .subject(&mail.subject)
                    .multipart(MultiPart::alternative_plain_html(
                        mail.text.clone(),
                        mail.html.clone(),
                    ))
                    .context("building the message")?;
                transport.send(message).await.context("SMTP delivery")?;
                Ok(())
            }
        }
    }
}
