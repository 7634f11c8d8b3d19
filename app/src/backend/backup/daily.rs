//! The embedded default's daily backup (`BACKUP_DAILY`): one archive a day into
//! `BACKUP_DIR`, named by its UTC time, keeping the newest `BACKUP_KEEP` (30) and none
//! older than 90 days, so data deleted here leaves every backup within 90 days.

use super::progress::Progress;
use crate::backend::audit::{self, Action, Actor, Target};
use crate::backend::state::AppState;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// No backup is kept longer than this, whatever `BACKUP_KEEP` says.
pub const MAX_AGE_DAYS: i64 = 90;
const PREFIX: &str = "cpd-registry-";
const SUFFIX: &str = ".cpdbackup";

/// `cpd-registry-YYYYMMDD-HHMMSS.cpdbackup` for a time in microseconds.
pub fn file_name(micros: i64) -> String {
    let seconds = micros.div_euclid(1_000_000);
    let date = domain::Date::from_unix_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    format!(
        "{PREFIX}{:04}{:02}{:02}-{:02}{:02}{:02}{SUFFIX}",
        date.year(),
        date.month(),
        date.day(),
        of_day / 3600,
        of_day % 3600 / 60,
        of_day % 60
    )
}

/// The time a backup's name says it was made (microseconds), if it is one of ours.
pub fn made_at(name: &str) -> Option<i64> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (day, time) = stamp.split_once('-')?;
    if day.len() != 8 || time.len() != 6 || !stamp.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return None;
    }
    let number = |s: &str| s.parse::<i64>().ok();
    let date = domain::Date::new(
        i32::try_from(number(&day[..4])?).ok()?,
        u8::try_from(number(&day[4..6])?).ok()?,
        u8::try_from(number(&day[6..])?).ok()?,
    )
    .ok()?;
    let seconds = date.to_unix_days() * 86_400
        + number(&time[..2])? * 3600
        + number(&time[2..4])? * 60
        + number(&time[4..])?;
    Some(seconds * 1_000_000)
}

/// Which of `names` go: all but the newest `keep`, and any older than 90 days.
pub fn to_remove(names: &[String], keep: usize, now: i64) -> Vec<String> {
    let mut ours: Vec<(i64, &String)> = names
        .iter()
        .filter_map(|n| made_at(n).map(|at| (at, n)))
        .collect();
    ours.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let oldest = now - MAX_AGE_DAYS * 86_400 * 1_000_000;
    ours.into_iter()
        .enumerate()
        .filter(|(i, (at, _))| *i >= keep || *at < oldest)
        .map(|(_, (_, n))| n.clone())
        .collect()
}

fn names_in(dir: &Path) -> anyhow::Result<Vec<String>> {
    match std::fs::read_dir(dir) {
        Ok(entries) => Ok(entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e).with_context(|| format!("reading {}", dir.display())),
    }
}

/// Removes what `to_remove` says, and archives a crash left half-written (`.partial`) once
/// they are a day old; how many went.
fn prune(dir: &Path, keep: usize, now: i64) -> anyhow::Result<u64> {
    let names = names_in(dir)?;
    let mut gone = to_remove(&names, keep, now);
    gone.extend(
        names
            .iter()
            .filter(|n| {
                n.strip_suffix(".partial")
                    .and_then(made_at)
                    .is_some_and(|at| at < now - 86_400 * 1_000_000)
            })
            .cloned(),
    );
    for name in &gone {
        std::fs::remove_file(dir.join(name))
            .with_context(|| format!("removing the old backup {name}"))?;
    }
    Ok(gone.len() as u64)
}

/// The pruning, then today's backup; how many old backups were removed. The pruning runs
/// first and whatever follows (a full disk must not keep old archives), and also where
/// daily backups were turned off, so none outlives 90 days.
pub async fn run(state: &AppState, now: i64) -> anyhow::Result<u64> {
    let config = &state.config.backup;
    // One less than kept: with today's, `keep` remain.
    let removed = prune(&config.dir, (config.keep as usize).saturating_sub(1), now)?;
    if !config.daily {
        return Ok(removed);
    }
    let path: PathBuf = config.dir.join(file_name(now));
    let summary = super::write::write(
        &state.db,
        &state.storage,
        &state.config,
        &path,
        &mut Progress::quiet(),
    )
    .await
    .context("the daily backup")?;
    let mut tx = state.db.begin().await?;
    audit::record(
        &mut tx,
        &Actor::System,
        Action::BackupMade,
        &Target::new("backup", file_name(now)).with_detail(format!(
            "{} rows, {} files, {} bytes",
            summary.rows, summary.objects, summary.bytes
        )),
        &audit::Context::default(),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        file = %path.display(),
        rows = summary.rows,
        files = summary.objects,
        bytes = summary.bytes,
        seconds = summary.seconds,
        "daily backup made"
    );
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400 * 1_000_000;

    #[test]
    fn names_carry_their_time() {
        let at = 1_796_000_000 * 1_000_000;
        let name = file_name(at);
        assert!(name.starts_with("cpd-registry-2026"), "{name}");
        assert_eq!(made_at(&name), Some(at));
        for other in [
            "notes.txt",
            "cpd-registry-2026.cpdbackup",
            "cpd-registry-20261301-000000.cpdbackup",
        ] {
            assert_eq!(made_at(other), None, "{other}");
        }
    }

    #[test]
    fn the_newest_are_kept_and_none_past_ninety_days() {
        let now = 1_796_000_000 * 1_000_000;
        let names: Vec<String> = (0..40)
            .map(|d| file_name(now - d * DAY))
            .chain(["mine.txt".to_owned()])
            .collect();
        let gone = to_remove(&names, 30, now);
        assert_eq!(gone.len(), 10);
        assert!(
            gone.iter()
                .all(|n| made_at(n).is_some_and(|at| at <= now - 30 * DAY))
        );
        // Sixty made two days apart, with room to keep 90: the 14 older than 90 days go.
        let names: Vec<String> = (0..60).map(|d| file_name(now - 2 * d * DAY)).collect();
        let gone = to_remove(&names, 90, now);
        assert_eq!(gone.len(), 14, "{gone:?}");
        assert!(
            gone.iter()
                .all(|n| made_at(n).is_some_and(|at| at < now - 90 * DAY))
        );
    }
}
