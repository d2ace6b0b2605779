//! `integrator`: see the crate's documentation and `integrator --help`.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(integrator_io_cli::run(std::env::args_os().collect()))
}
