//! How the two workers (`inspect`, `report`) shut themselves in before they read a byte of
//! untrusted input. They need nothing but the pipes they were started with, so everything
//! else is taken away, as far as the machine allows:
//!
//! 1. resource limits: address space, CPU seconds, no file written, no core dump;
//! 2. as root: a network namespace of its own (no interface but a loopback that is down);
//! 3. as root: the `nobody` user and group, no supplementary groups, so the key file and
//!    the database (readable only by the server's user) are out of reach by permissions;
//! 4. Landlock (any user, Linux ≥ 5.13): no file may be opened, created or executed, no TCP
//!    port bound or connected (≥ 6.7), no signal or abstract socket outside (≥ 6.12);
//!    with `no_new_privs`, so nothing it could exec regains a privilege.
//!
//! A step the kernel refuses is not fatal (the server's deadline and the pipe protocol
//! still hold), but the worker says so on stderr, and `cpd-registry sandbox-check` prints
//! what holds on a given machine.

use landlock::{ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetStatus, Scope};
use nix::sched::{CloneFlags, unshare};
use nix::unistd::{Gid, Group, Uid, User, geteuid, setgid, setgroups, setuid};

/// What the confinement achieved, step by step (for the check command and the tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confinement {
    pub limits: bool,
    pub network_namespace: bool,
    /// The user the worker ended as, when it started as root and left it.
    pub dropped_to: Option<String>,
    pub landlock: &'static str,
}

/// Everything above, in that order (each later step needs the earlier one's privileges
/// or, for Landlock, must come last so that the user lookup can still read `/etc/passwd`).
pub fn confine(memory: u64, cpu_seconds: u64) -> Confinement {
    let limits = limit_resources(memory, cpu_seconds);
    let root = geteuid().is_root();
    let network_namespace = root && own_network();
    let dropped_to = if root { drop_root() } else { None };
    let landlock = landlock();
    Confinement {
        limits,
        network_namespace,
        dropped_to,
        landlock,
    }
}

/// Memory and CPU limits, no file written (stdout is a pipe, which the size limit does
/// not touch), no core dumps.
fn limit_resources(memory: u64, cpu_seconds: u64) -> bool {
    use rlimit::Resource;
    let mut all = true;
    for (resource, limit) in [
        (Resource::AS, memory),
        (Resource::CPU, cpu_seconds),
        (Resource::FSIZE, 64 * 1024),
        (Resource::CORE, 0),
    ] {
        if let Err(error) = resource.set(limit, limit) {
            eprintln!("worker: could not limit {resource:?}: {error}");
            all = false;
        }
    }
    all
}

fn own_network() -> bool {
    match unshare(CloneFlags::CLONE_NEWNET) {
        Ok(()) => true,
        Err(error) => {
            eprintln!("worker: no network namespace of its own: {error}");
            false
        }
    }
}

/// Root gives way to `nobody` (65534 where the name is missing). The group goes first,
/// while the process may still change it; a `setuid(0)` that then succeeds means the drop
/// did not hold, and the worker stops rather than parse as root.
fn drop_root() -> Option<String> {
    let user = User::from_name("nobody").ok().flatten();
    let uid = user.as_ref().map_or(Uid::from_raw(65534), |u| u.uid);
    let gid = Group::from_name("nogroup")
        .ok()
        .flatten()
        .map(|g| g.gid)
        .or(user.as_ref().map(|u| u.gid))
        .unwrap_or(Gid::from_raw(65534));
    let result = setgroups(&[])
        .and_then(|()| setgid(gid))
        .and_then(|()| setuid(uid));
    if let Err(error) = result {
        eprintln!("worker: could not leave root: {error}");
        std::process::exit(3);
    }
    if setuid(Uid::from_raw(0)).is_ok() {
        eprintln!("worker: still able to become root after leaving it");
        std::process::exit(3);
    }
    Some(user.map_or_else(|| uid.to_string(), |u| u.name))
}

/// Handles every access right the crate knows and grants none: the worker's open pipes
/// keep working, nothing new can be reached. Best effort, as the kernel allows.
fn landlock() -> &'static str {
    let abi = ABI::V10;
    let ruleset = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.restrict_self());
    match ruleset {
        Ok(status) => match status.ruleset {
            RulesetStatus::FullyEnforced => "fully enforced",
            RulesetStatus::PartiallyEnforced => "partly enforced (an older kernel)",
            _ => {
                eprintln!("worker: Landlock is not available on this kernel");
                "not available"
            }
        },
        Err(error) => {
            eprintln!("worker: Landlock failed: {error}");
            "failed"
        }
    }
}

/// `cpd-registry sandbox-check [--read PATH]… [--connect HOST:PORT]…`: confines itself
/// as a worker does, then tries each read and each connection, and prints what held.
/// Exits 0 only when every attempt was refused.
pub fn check_main(args: &[String]) -> std::process::ExitCode {
    let mut reads = Vec::new();
    let mut connects = Vec::new();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match (flag.as_str(), rest.next()) {
            ("--read", Some(path)) => reads.push(path.clone()),
            ("--connect", Some(address)) => connects.push(address.clone()),
            _ => {
                eprintln!(
                    "usage: cpd-registry sandbox-check [--read PATH]... [--connect HOST:PORT]..."
                );
                return std::process::ExitCode::from(2);
            }
        }
    }
    let confinement = confine(1024 * 1024 * 1024, 5);
    println!(
        "resource limits: {}",
        if confinement.limits {
            "set"
        } else {
            "not all set"
        }
    );
    println!(
        "network namespace of its own: {}",
        if confinement.network_namespace {
            "yes"
        } else {
            "no"
        }
    );
    println!(
        "user: {}",
        confinement
            .dropped_to
            .as_deref()
            .unwrap_or("unchanged (not started as root)")
    );
    println!("Landlock: {}", confinement.landlock);
    let mut escaped = false;
    for path in &reads {
        let outcome = std::fs::read(path);
        escaped |= outcome.is_ok();
        println!(
            "read {path}: {}",
            outcome.map_or_else(
                |e| format!("refused ({e})"),
                |b| format!("READ {} bytes", b.len())
            )
        );
    }
    for address in &connects {
        let outcome = std::net::TcpStream::connect(address.as_str());
        escaped |= outcome.is_ok();
        println!(
            "connect {address}: {}",
            outcome.map_or_else(|e| format!("refused ({e})"), |_| "CONNECTED".to_string())
        );
    }
    if escaped {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
