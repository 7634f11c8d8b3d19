//! Snapshot tests: text compared with a file under `app/tests/snapshots/`, so a change to a
//! mail or an export shows in review as a diff of what people receive. After a deliberate
//! change, rewrite the files with `UPDATE_SNAPSHOTS=1 cargo test -p app --features ssr --lib`
//! and read the diff before committing it.

use std::path::PathBuf;

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"))
}

/// Fails unless `actual` is exactly the stored snapshot `name`.
pub fn assert_snapshot(name: &str, actual: &str) {
    let file = path(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&file, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}: run with UPDATE_SNAPSHOTS=1 to write it, then review it",
            file.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from {}:\n--- stored\n{expected}\n--- now\n{actual}",
        file.display()
    );
}
