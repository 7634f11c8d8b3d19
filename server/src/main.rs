//! `cpd-registry`: see `cli.rs` for the commands.

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The inspection worker parses one untrusted file and exits: it runs before (and
    // without) the async runtime, with limits it sets on itself.
    if args.first().map(String::as_str) == Some("inspect") {
        return server::inspect::worker_main(&args[1..]);
    }
    // So does the report worker, which merges the certificates into a report.
    if args.first().map(String::as_str) == Some("report") {
        return server::report::worker_main(&args[1..]);
    }
    // What the workers' confinement holds on this machine (see `sandbox.rs`).
    if args.first().map(String::as_str) == Some("sandbox-check") {
        return server::sandbox::check_main(&args[1..]);
    }
    // Everything the server writes (the SQLite database, local storage, checkpoint files)
    // is for its own user alone, whatever umask it was started with.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(error) => {
            eprintln!("cpd-registry: starting the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(server::cli::run(args));
    server::quiesce::wait_for_database_threads();
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // Configuration errors are meant for the operator: say what to fix.
            eprintln!("cpd-registry: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
