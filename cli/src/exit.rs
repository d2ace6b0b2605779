//! Exit codes and how errors read on stderr.

use integrator_io::Error;

/// Success.
pub const OK: u8 = 0;
/// An error answer of the API, or a transport failure.
pub const API: u8 = 1;
/// A usage error: a bad flag, value or body; nothing was sent.
pub const USAGE: u8 = 2;
/// The API answered `404 Not Found`.
pub const NOT_FOUND: u8 = 3;
/// The API answered `429 Too Many Requests` after the client's retries.
pub const RATE_LIMITED: u8 = 4;

/// An error the command line reports: its lines for stderr and its exit code.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub code: u8,
    /// What stderr shows, one line each.
    pub lines: Vec<String>,
}

impl CliError {
    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: USAGE,
            lines: vec![message.into()],
        }
    }

    /// stdout's reader went away (`integrator … | head`): stop quietly, exit 0.
    pub fn reader_gone() -> Self {
        CliError {
            code: OK,
            lines: Vec::new(),
        }
    }

    /// Any other failure (exit 1).
    pub fn other(message: impl Into<String>) -> Self {
        CliError {
            code: API,
            lines: vec![message.into()],
        }
    }
}

impl From<Error> for CliError {
    fn from(error: Error) -> Self {
        let code = if error.is_not_found() {
            NOT_FOUND
        } else if error.is_rate_limited() {
            RATE_LIMITED
        } else {
            match &error {
                Error::InvalidId { .. }
                | Error::InvalidHeader { .. }
                | Error::InvalidRequest { .. }
                | Error::Config { .. }
                | Error::MissingToken => USAGE,
                _ => API,
            }
        };
        let lines = match error.api_error() {
            // One line per entry of the API's `errors[]`.
            Some(api) if !api.errors.is_empty() => {
                let mut lines = vec![format!("{}: HTTP {}", api.operation, api.status)];
                lines.extend(api.errors.iter().map(|e| e.to_string()));
                lines
            }
            _ => vec![match error {
                Error::MissingToken => "no API token: give --token, set INTEGRATOR_API_TOKEN \
                                        or add a profile (integrator profile add NAME --token-stdin)"
                    .to_string(),
                other => error_chain(&other),
            }],
        };
        CliError { code, lines }
    }
}

/// An error with its sources, `: `-separated.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Prints `error` on stderr and gives its exit code.
pub fn report(error: &CliError) -> u8 {
    for line in &error.lines {
        eprintln!("error: {line}");
    }
    error.code
}
