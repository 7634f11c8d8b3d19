//! `cpd-registry`: see `cli.rs` for the commands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match server::cli::run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // Configuration errors are meant for the operator: say what to fix.
            eprintln!("cpd-registry: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
