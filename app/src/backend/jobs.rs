//! One scheduler for the retention jobs, safe with several instances: every instance ticks
//! every minute and tries each job that is due; a job is claimed by one conditional UPDATE
//! of its `jobs` row (free lease, and not started within its interval), so each run happens
//! on one instance only, and a crashed instance's lease simply runs out. Every job is
//! idempotent, so a run that outlives its lease and overlaps the next does no harm.
//!
//! Every run is kept in `job_runs` (what it removed, in counts; 90 days); a run that
//! removed something or failed is also audited in the system chain. A firm's owners and
//! admins see when each job last ran, and the purges of their own people, on the firm's
//! settings page.

use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::auth::challenge::Micros;
use crate::backend::db::{new_id, now_micros};
use crate::backend::state::AppState;

const MINUTE: Micros = 60 * 1_000_000;
/// Longer than any job takes; a holder that died frees its job after this.
const LEASE: Micros = 15 * MINUTE;
/// How long the record of each run is kept.
const RUNS_KEPT: Micros = 90 * 24 * 60 * MINUTE;

/// The retention jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Deletions past their undo window become final (rows and files go).
    FinalizeDeletions,
    /// Data exports past their week: rows and files.
    ExpiredExports,
    /// Uploaded histories never confirmed, after a day.
    StaleHistoryUploads,
    /// People whose 30-day deletion hold has ended.
    PurgePeople,
    /// Firms whose 30-day closing hold has ended.
    PurgeFirms,
    /// Expired sessions, sign-in codes, rate-limit events, lockouts, old mail, old runs.
    ExpiredSignInData,
    /// Stored files no row names, and abandoned spools.
    OrphanedFiles,
    /// The embedded default's daily backup, and the pruning of old ones.
    DailyBackup,
}

impl Job {
    pub const ALL: [Job; 8] = [
        Job::FinalizeDeletions,
        Job::ExpiredExports,
        Job::StaleHistoryUploads,
        Job::PurgePeople,
        Job::PurgeFirms,
        Job::ExpiredSignInData,
        Job::OrphanedFiles,
        Job::DailyBackup,
    ];

    /// As stored (never changes for a job).
    pub fn name(self) -> &'static str {
        match self {
            Job::FinalizeDeletions => "finalize_deletions",
            Job::ExpiredExports => "expired_exports",
            Job::StaleHistoryUploads => "stale_history_uploads",
            Job::PurgePeople => "purge_people",
            Job::PurgeFirms => "purge_firms",
            Job::ExpiredSignInData => "expired_sign_in_data",
            Job::OrphanedFiles => "orphaned_files",
            Job::DailyBackup => "daily_backup",
        }
    }

    /// How often it runs.
    pub fn every(self) -> Micros {
        match self {
            Job::FinalizeDeletions => MINUTE,
            Job::ExpiredExports | Job::StaleHistoryUploads | Job::PurgePeople | Job::PurgeFirms => {
                10 * MINUTE
            }
            Job::ExpiredSignInData | Job::OrphanedFiles | Job::DailyBackup => 24 * 60 * MINUTE,
        }
    }

    /// One run as of `now`: what it removed.
    async fn run(self, state: &AppState, now: Micros) -> anyhow::Result<u64> {
        let n = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        Ok(match self {
            Job::FinalizeDeletions => n(crate::backend::undo::purge_expired(state, now).await?),
            Job::ExpiredExports => n(crate::backend::exports::remove_expired(state, now).await?),
            Job::StaleHistoryUploads => n(crate::backend::history::remove_stale(state, now).await?),
            Job::PurgePeople => n(crate::backend::erasure::purge_due(state, now).await?),
            Job::PurgeFirms => n(crate::backend::firm::termination::purge_due(state, now).await?),
            Job::ExpiredSignInData => {
                let removed = crate::backend::cleanup::run(&state.db, now).await?.total();
                let runs = sqlx::query("DELETE FROM job_runs WHERE started_at_us < $1")
                    .bind(now - RUNS_KEPT)
                    .execute(&state.db.pool)
                    .await?
                    .rows_affected();
                removed + runs
            }
            Job::DailyBackup => crate::backend::backup::daily::run(state, now).await?,
            Job::OrphanedFiles => n(crate::backend::certificates::sweep::sweep(
                state,
                crate::backend::certificates::sweep::GRACE_SECS,
            )
            .await?),
        })
    }
}

/// Claims `job` for `instance` if it is due and nobody holds it; whether this instance got
/// it. One UPDATE decides, so of any number of instances asking at once exactly one does.
pub async fn claim(
    state: &AppState,
    job: Job,
    instance: &str,
    now: Micros,
) -> anyhow::Result<bool> {
    sqlx::query("INSERT INTO jobs (name) VALUES ($1) ON CONFLICT (name) DO NOTHING")
        .bind(job.name())
        .execute(&state.db.pool)
        .await?;
    let claimed = sqlx::query(
        "UPDATE jobs SET holder = $2, lease_until_us = $3, last_started_at_us = $4 \
         WHERE name = $1 AND lease_until_us < $4 AND last_started_at_us <= $5",
    )
    .bind(job.name())
    .bind(instance)
    .bind(now + LEASE)
    .bind(now)
    .bind(now - job.every())
    .execute(&state.db.pool)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Runs every job that is due and not held elsewhere, one after another; how many ran.
pub async fn run_due(state: &AppState, instance: &str) -> usize {
    let mut ran = 0;
    for job in Job::ALL {
        let started = now_micros();
        match claim(state, job, instance, started).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                tracing::error!(
                    error = format!("{error:#}"),
                    job = job.name(),
                    "claiming a job failed"
                );
                continue;
            }
        }
        let result = job.run(state, started).await;
        if let Err(error) = finish(state, job, instance, started, &result).await {
            tracing::error!(
                error = format!("{error:#}"),
                job = job.name(),
                "recording a job run failed"
            );
        }
        match result {
            Ok(0) => {}
            Ok(removed) => tracing::info!(job = job.name(), removed, "retention job ran"),
            Err(error) => tracing::error!(
                error = format!("{error:#}"),
                job = job.name(),
                "retention job failed"
            ),
        }
        ran += 1;
    }
    ran
}

/// Frees the job, records the run, and audits it if it removed something or failed.
async fn finish(
    state: &AppState,
    job: Job,
    instance: &str,
    started: Micros,
    result: &anyhow::Result<u64>,
) -> anyhow::Result<()> {
    let now = now_micros();
    let (outcome, removed) = match result {
        Ok(n) => ("done", i64::try_from(*n).unwrap_or(i64::MAX)),
        Err(_) => ("failed", 0),
    };
    let summary = format!("removed={removed}");
    let mut tx = state.db.begin().await?;
    sqlx::query(
        "UPDATE jobs SET holder = NULL, lease_until_us = 0, last_finished_at_us = $3, last_outcome = $4 \
         WHERE name = $1 AND holder = $2",
    )
    .bind(job.name())
    .bind(instance)
    .bind(now)
    .bind(outcome)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO job_runs (id, job, instance, started_at_us, finished_at_us, outcome, removed, summary) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(new_id())
    .bind(job.name())
    .bind(instance)
    .bind(started)
    .bind(now)
    .bind(outcome)
    .bind(removed)
    .bind(&summary)
    .execute(&mut *tx)
    .await?;
    if removed > 0 || outcome == "failed" {
        audit::record(
            &mut tx,
            &Actor::System,
            Action::RetentionJobRan,
            &Target::new("job", job.name()).with_detail(format!("{outcome} {summary}")),
            &audit::Context::default(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// When each job last ran, and the purges of the viewer's firm's people; for its owners and
/// admins (`ViewFirm`).
pub async fn retention(
    state: &AppState,
    viewer: &crate::backend::auth::viewer::Viewer,
    meta: &crate::backend::request::RequestMeta,
    lang: crate::i18n::Lang,
) -> Result<crate::model::Retention, crate::AppError> {
    use crate::model::{JobView, PurgeView, Retention};
    crate::backend::firm::gate(
        state,
        viewer,
        meta,
        lang,
        crate::backend::authz::Act::ViewFirm,
    )
    .await?;
    let rows: Vec<(String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT name, last_finished_at_us, last_outcome FROM jobs")
            .fetch_all(&state.db.pool)
            .await?;
    let jobs = Job::ALL
        .iter()
        .map(|job| {
            let row = rows.iter().find(|(name, _, _)| name == job.name());
            JobView {
                name: job.name().to_owned(),
                every_minutes: u32::try_from(job.every() / MINUTE).unwrap_or(u32::MAX),
                last_finished_at_us: row.and_then(|(_, at, _)| *at),
                last_outcome: row.and_then(|(_, _, o)| o.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let purges: Vec<(i64, String)> = sqlx::query_as(
        "SELECT purged_at_us, counts FROM person_purges WHERE firm_id = $1 ORDER BY purged_at_us DESC LIMIT 50",
    )
    .bind(&viewer.user.firm_id)
    .fetch_all(&state.db.pool)
    .await?;
    let purges = purges
        .into_iter()
        .map(|(at_us, counts)| {
            let counts: serde_json::Value = serde_json::from_str(&counts).unwrap_or_default();
            let rows = counts["rows"].as_object().map_or(0, |m| {
                m.values().filter_map(serde_json::Value::as_u64).sum()
            });
            PurgeView {
                at_us,
                rows,
                objects: counts["objects"].as_u64().unwrap_or(0),
            }
        })
        .collect();
    Ok(Retention { jobs, purges })
}
