//! Untrusted files are parsed in a process of their own (`cpd-registry inspect`): a
//! crafted PDF can abort the parser (SECURITY.md, RUSTSEC-2026-0187) or a decompression
//! bomb exhaust memory, and neither may take the server down. The worker gets the file on
//! stdin and nothing else: no environment (so no master key), limits on memory and CPU
//! time it sets on itself, and a wall-clock deadline here, after which it is killed.
//! It answers one line of JSON, a [`Verdict`]. It is fed the file while the upload
//! arrives, so checking adds little to the upload's time.

use anyhow::Context;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a worker may take, whatever it is doing.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// What the worker found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Accepted(Facts),
    Refused(Refusal),
}

/// What a parse tells about an accepted file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// `pdf`, `jpeg` or `png`.
    pub kind: String,
    pub pages: Option<u32>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// Why a file was refused; each has a message that says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a PDF, JPEG or PNG by its first bytes.
    NotAccepted,
    /// Over the size limit.
    TooLarge,
    /// Says it is a PDF/JPEG/PNG but does not parse or decode (truncated, damaged).
    Damaged,
    /// An image larger than any certificate needs (a decompression bomb).
    TooManyPixels,
    /// A PDF that needs a password to open.
    Encrypted,
    /// The worker crashed, ran out of time or memory: the file is not accepted.
    Unreadable,
    /// The firm's storage is full (`FIRM_STORAGE_QUOTA_MB`).
    QuotaFull,
    /// A PDF with scripts, launch actions, embedded files or the like.
    ActiveContent,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::NotAccepted => "not_accepted",
            Refusal::TooLarge => "too_large",
            Refusal::Damaged => "damaged",
            Refusal::TooManyPixels => "too_many_pixels",
            Refusal::Encrypted => "encrypted",
            Refusal::Unreadable => "unreadable",
            Refusal::QuotaFull => "quota_full",
            Refusal::ActiveContent => "active_content",
        }
    }

    pub fn from_code(code: &str) -> Option<Refusal> {
        [
            Refusal::NotAccepted,
            Refusal::TooLarge,
            Refusal::Damaged,
            Refusal::TooManyPixels,
            Refusal::Encrypted,
            Refusal::Unreadable,
            Refusal::QuotaFull,
            Refusal::ActiveContent,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

/// A worker checking one upload while it arrives: it is started with the upload and fed
/// each piece as the piece is spooled, so it has the whole file the moment the upload
/// ends. Dropping it kills the process.
pub struct Worker {
    child: tokio::process::Child,
    stdin: Option<tokio::process::ChildStdin>,
}

impl Worker {
    pub fn start(command: &Path, max_bytes: u64, sandbox: &str) -> anyhow::Result<Worker> {
        let mut child = tokio::process::Command::new(command)
            .arg("inspect")
            .arg("--max-bytes")
            .arg(max_bytes.to_string())
            .arg("--sandbox")
            .arg(sandbox)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Its few lines (a confinement that did not hold) join the server's own.
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting the inspection worker {}", command.display()))?;
        let stdin = child.stdin.take();
        Ok(Worker { child, stdin })
    }

    /// Passes on the next piece of the file. A worker that gave up early (it closed its
    /// stdin or died) is fed no more; its answer, or its failure, tells the rest.
    pub async fn feed(&mut self, data: &[u8]) {
        if let Some(stdin) = self.stdin.as_mut()
            && stdin.write_all(data).await.is_err()
        {
            self.stdin = None;
        }
    }

    /// Ends the file and waits (at most [`DEADLINE`]) for the answer. A worker that fails
    /// in any way refuses the file.
    pub async fn verdict(mut self) -> Verdict {
        drop(self.stdin.take());
        let Some(mut stdout) = self.child.stdout.take() else {
            return Verdict::Refused(Refusal::Unreadable);
        };
        let child = &mut self.child;
        let run = async move {
            let mut answer = Vec::new();
            (&mut stdout).take(4096).read_to_end(&mut answer).await?;
            let status = child.wait().await?;
            std::io::Result::Ok((status, answer))
        };
        match tokio::time::timeout(DEADLINE, run).await {
            Ok(Ok((status, answer))) if status.success() => serde_json::from_slice(&answer)
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "the inspection worker answered nonsense");
                    Verdict::Refused(Refusal::Unreadable)
                }),
            Ok(Ok((status, _))) => {
                tracing::warn!(%status, "the inspection worker failed on an upload");
                Verdict::Refused(Refusal::Unreadable)
            }
            Ok(Err(error)) => {
                tracing::warn!(%error, "the inspection worker could not be read");
                Verdict::Refused(Refusal::Unreadable)
            }
            Err(_) => {
                tracing::warn!("the inspection worker ran out of time");
                Verdict::Refused(Refusal::Unreadable)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_cross_the_pipe_as_json() {
        let v = Verdict::Accepted(Facts {
            kind: "pdf".into(),
            pages: Some(2),
            width: None,
            height: None,
        });
        let text = serde_json::to_string(&v).expect("json");
        assert_eq!(serde_json::from_str::<Verdict>(&text).expect("back"), v);
        let r = serde_json::to_string(&Verdict::Refused(Refusal::TooManyPixels)).expect("json");
        assert_eq!(r, r#"{"refused":"too_many_pixels"}"#);
        for code in [
            "not_accepted",
            "too_large",
            "damaged",
            "too_many_pixels",
            "encrypted",
            "unreadable",
        ] {
            assert_eq!(Refusal::from_code(code).map(Refusal::code), Some(code));
        }
    }
}
