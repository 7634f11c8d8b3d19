//! How the two workers (`inspect`, `report`) shut themselves in before they read a byte of
//! untrusted input. They need nothing but the pipes they were started with, so everything
//! else is taken away, as far as the machine allows:
//!
//! 0. every inherited descriptor but stdin, stdout and stderr closed;
//! 1. resource limits: address space, CPU seconds, no file written, no core dump;
//! 2. as root: a network namespace of its own (no interface but a loopback that is down);
//! 3. as root: the `nobody` user and group, no supplementary groups, so the key file and
//!    the database (readable only by the server's user) are out of reach by permissions;
//! 4. no new process or thread (`RLIMIT_NPROC` 0 once it is not root);
//! 5. Landlock (any user, Linux ≥ 5.13): no file may be opened, created or executed, no TCP
//!    port bound or connected (≥ 6.7), no signal or abstract socket outside (≥ 6.12);
//!    with `no_new_privs`, so nothing it could exec regains a privilege;
//! 6. a seccomp filter: no socket of any kind (so no Unix socket by path and no UDP, which
//!    Landlock on older kernels does not cover), no fork, clone or exec, no ptrace, no
//!    io_uring, no namespaces or mounts, no kernel keyring, BPF or perf events.
//!
//! The file and socket barriers (Landlock, seccomp) are required: a worker that cannot
//! set both stops before reading its input, so the upload or report fails rather than
//! being parsed unconfined, unless the operator chose `WORKER_SANDBOX=best-effort` (the
//! server passes `--sandbox best-effort`). The other steps are best effort and said on
//! stderr. `cpd-registry sandbox-check` prints what holds on a given machine, and the
//! server logs its answer at start-up.

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
    pub no_new_processes: bool,
    pub landlock: &'static str,
    pub seccomp: bool,
}

impl Confinement {
    /// Whether the two required barriers hold: Landlock (at least in part) and seccomp.
    pub fn holds(&self) -> bool {
        self.seccomp && matches!(self.landlock, FULL | PARTIAL)
    }
}

const FULL: &str = "fully enforced";
const PARTIAL: &str = "partly enforced (the kernel knows fewer rights than this build)";

/// How strictly a worker insists on its confinement (`WORKER_SANDBOX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Stop when Landlock or seccomp cannot be set (the default).
    Required,
    /// Go on without them, saying so on stderr.
    BestEffort,
}

impl Strictness {
    /// The worker's `--sandbox` argument, if it is one.
    pub fn from_arg(value: &str) -> Option<Strictness> {
        match value {
            "required" => Some(Strictness::Required),
            "best-effort" => Some(Strictness::BestEffort),
            _ => None,
        }
    }
}

/// A worker's arguments: `[--max-bytes N] [--sandbox required|best-effort]`, in any order.
pub fn worker_args(args: &[String]) -> Option<(Option<u64>, Strictness)> {
    let mut max_bytes = None;
    let mut strictness = Strictness::Required;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next()?;
        match flag.as_str() {
            "--max-bytes" => max_bytes = Some(value.parse().ok()?),
            "--sandbox" => strictness = Strictness::from_arg(value)?,
            _ => return None,
        }
    }
    Some((max_bytes, strictness))
}

/// Everything above, in that order (each later step needs the earlier one's privileges;
/// Landlock comes after the user lookup, which reads `/etc/passwd`; seccomp last).
pub fn confine(memory: u64, cpu_seconds: u64) -> Confinement {
    close_inherited();
    let limits = limit_resources(memory, cpu_seconds);
    let root = geteuid().is_root();
    let network_namespace = root && own_network();
    let dropped_to = if root { drop_root() } else { None };
    let no_new_processes = no_new_processes();
    let landlock = landlock();
    let seccomp = seccomp();
    Confinement {
        limits,
        network_namespace,
        dropped_to,
        no_new_processes,
        landlock,
        seccomp,
    }
}

/// A worker's confinement, stopping the process when a required barrier is missing.
pub fn confine_worker(memory: u64, cpu_seconds: u64, strictness: Strictness) {
    let confinement = confine(memory, cpu_seconds);
    if !confinement.holds() {
        eprintln!(
            "worker: not confined (Landlock {}, seccomp {})",
            confinement.landlock, confinement.seccomp
        );
        if strictness == Strictness::Required {
            std::process::exit(4);
        }
    }
}

/// Once the process is not root, the kernel refuses it any new process or thread.
fn no_new_processes() -> bool {
    if geteuid().is_root() {
        return false;
    }
    match rlimit::Resource::NPROC.set(0, 0) {
        Ok(()) => true,
        Err(error) => {
            eprintln!("worker: could not forbid new processes: {error}");
            false
        }
    }
}

/// The calls a worker never makes, refused with `EPERM` (`clone3` with `ENOSYS`, so a
/// library would fall back to `clone`, which is refused too).
fn seccomp() -> bool {
    use seccompiler::{BpfProgram, SeccompAction, SeccompFilter};
    use std::collections::BTreeMap;
    let mut refused: Vec<i64> = vec![
        libc::SYS_socket,
        libc::SYS_socketpair,
        libc::SYS_connect,
        libc::SYS_bind,
        libc::SYS_listen,
        libc::SYS_accept,
        libc::SYS_accept4,
        libc::SYS_sendto,
        libc::SYS_sendmsg,
        libc::SYS_sendmmsg,
        libc::SYS_clone,
        libc::SYS_execve,
        libc::SYS_execveat,
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_io_uring_setup,
        libc::SYS_io_uring_enter,
        libc::SYS_io_uring_register,
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_mount,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_userfaultfd,
    ];
    #[cfg(target_arch = "x86_64")]
    refused.extend([libc::SYS_fork, libc::SYS_vfork]);
    let errno = |code: i32| SeccompAction::Errno(u32::try_from(code).unwrap_or(1));
    // Two filters, both kept by the kernel: `clone3` answers ENOSYS, the rest EPERM.
    let filters = [
        (vec![libc::SYS_clone3], errno(libc::ENOSYS)),
        (refused, errno(libc::EPERM)),
    ];
    let apply = || -> Result<(), String> {
        let arch = std::env::consts::ARCH
            .try_into()
            .map_err(|e: seccompiler::BackendError| e.to_string())?;
        for (calls, action) in filters {
            let rules: BTreeMap<i64, Vec<seccompiler::SeccompRule>> =
                calls.into_iter().map(|call| (call, Vec::new())).collect();
            let program: BpfProgram = SeccompFilter::new(rules, SeccompAction::Allow, action, arch)
                .and_then(BpfProgram::try_from)
                .map_err(|e| e.to_string())?;
            seccompiler::apply_filter(&program).map_err(|e| e.to_string())?;
        }
        Ok(())
    };
    match apply() {
        Ok(()) => true,
        Err(error) => {
            eprintln!("worker: seccomp filter not set: {error}");
            false
        }
    }
}

/// Closes every descriptor but the three pipes: whatever the server was started with
/// (a supervisor's socket, a file opened without close-on-exec) stays out of reach.
fn close_inherited() {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        eprintln!("worker: cannot list its descriptors; inherited ones stay open");
        return;
    };
    let inherited: Vec<i32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .filter(|fd| *fd > 2)
        .collect();
    // The listing's own descriptor is among them, closed already: EBADF is expected.
    for fd in inherited {
        let _ = nix::unistd::close(fd);
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
            RulesetStatus::FullyEnforced => FULL,
            RulesetStatus::PartiallyEnforced => PARTIAL,
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

/// `cpd-registry sandbox-check [--read PATH]… [--connect HOST:PORT]… [--connect-unix PATH]…
/// [--udp HOST:PORT]…`: confines itself as a worker does, then tries each read, TCP
/// connection, Unix socket and UDP datagram, and prints what held. Exits 0 only when the
/// required barriers hold and every attempt was refused.
pub fn check_main(args: &[String]) -> std::process::ExitCode {
    let mut attempts: Vec<(&str, String)> = Vec::new();
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        match (flag.as_str(), rest.next()) {
            (kind @ ("--read" | "--connect" | "--connect-unix" | "--udp"), Some(target)) => {
                attempts.push((kind, target.clone()));
            }
            _ => {
                eprintln!(
                    "usage: cpd-registry sandbox-check [--read PATH]... [--connect HOST:PORT]... \
                     [--connect-unix PATH]... [--udp HOST:PORT]..."
                );
                return std::process::ExitCode::from(2);
            }
        }
    }
    let confinement = confine(1024 * 1024 * 1024, 5);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
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
        yes_no(confinement.network_namespace)
    );
    println!(
        "user: {}",
        confinement
            .dropped_to
            .as_deref()
            .unwrap_or("unchanged (not started as root)")
    );
    println!("no new processes: {}", yes_no(confinement.no_new_processes));
    println!("Landlock: {}", confinement.landlock);
    println!(
        "seccomp filter: {}",
        if confinement.seccomp {
            "set"
        } else {
            "not set"
        }
    );
    let mut escaped = false;
    for (kind, target) in &attempts {
        let outcome: std::io::Result<String> = match *kind {
            "--read" => std::fs::read(target).map(|b| format!("READ {} bytes", b.len())),
            "--connect" => {
                std::net::TcpStream::connect(target.as_str()).map(|_| "CONNECTED".into())
            }
            "--connect-unix" => {
                std::os::unix::net::UnixStream::connect(target).map(|_| "CONNECTED".into())
            }
            _ => std::net::UdpSocket::bind("0.0.0.0:0")
                .and_then(|socket| socket.send_to(b"sandbox-check", target.as_str()))
                .map(|n| format!("SENT {n} bytes")),
        };
        escaped |= outcome.is_ok();
        let what = kind.trim_start_matches("--");
        println!(
            "{what} {target}: {}",
            outcome.unwrap_or_else(|e| format!("refused ({e})"))
        );
    }
    if escaped || !confinement.holds() {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}
