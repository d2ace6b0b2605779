//! The hand-written commands: profiles, the sandbox, completions, the man page, and the
//! sync crate's `pull`, `diff`, `plan` and `apply`.

use serde_json::{json, Value};

use crate::command::{command, Builtin, Globals, ProfileCommand};
use crate::exit::CliError;
use crate::output::Printer;
use crate::profile::{config_path, Config, Profile};

/// Runs a hand-written command.
pub async fn run(globals: &Globals, builtin: Builtin) -> Result<(), CliError> {
    match builtin {
        Builtin::Profile(profile) => run_profile(globals, profile),
        Builtin::Sandbox {
            port,
            seed,
            sandbox_token,
        } => sandbox(port, seed, sandbox_token).await,
        Builtin::Completions { shell } => {
            let mut cmd = command();
            clap_complete::generate(shell, &mut cmd, "integrator", &mut std::io::stdout());
            Ok(())
        }
        Builtin::Man => clap_mangen::Man::new(command())
            .render(&mut std::io::stdout())
            .map_err(|e| CliError::other(format!("cannot write the man page: {e}"))),
        Builtin::Sync(command) => sync(globals, &command).await,
    }
}

/// `pull`, `diff`, `plan`, `apply`: a profile name (`None`: the current profile, with the
/// environment and flags over it) becomes a client as for every other command. The sync
/// crate writes its own errors; its exit codes (0, 1 different or changes left, 2 error)
/// are the command's.
async fn sync(
    globals: &Globals,
    command: &integrator_io_sync::cli::SyncCommand,
) -> Result<(), CliError> {
    let accounts = |profile: Option<&str>| {
        crate::settings::client_for_profile(globals, profile).map_err(|e| e.lines.join("; "))
    };
    let format = match globals.format {
        None => integrator_io_sync::cli::Format::Human,
        Some(crate::command::Format::Json) => integrator_io_sync::cli::Format::Json,
        Some(other) => {
            return Err(CliError::usage(format!(
                "pull, diff, plan and apply print text for people or --format json, not {other:?}"
            )))
        }
    };
    let code = integrator_io_sync::cli::run(
        command,
        format,
        &accounts,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
    .await;
    match u8::try_from(code) {
        Ok(0) => Ok(()),
        Ok(code) => Err(CliError {
            code,
            lines: Vec::new(),
        }),
        Err(_) => Err(CliError::other(format!("exit code {code} out of range"))),
    }
}

fn run_profile(globals: &Globals, profile: ProfileCommand) -> Result<(), CliError> {
    let path = config_path()?;
    let mut config = Config::load(&path)?;
    let mut printer = Printer::new(globals, "profiles")?;
    match profile {
        ProfileCommand::Add { name, token_stdin } => {
            let token = if token_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).map_err(|e| {
                    CliError::usage(format!("cannot read the token from stdin: {e}"))
                })?;
                Some(line.trim().to_string()).filter(|t| !t.is_empty())
            } else {
                globals.token.clone()
            };
            let Some(token) = token else {
                return Err(CliError::usage(
                    "profile add needs a token: --token-stdin, --token or INTEGRATOR_API_TOKEN",
                ));
            };
            let profile = Profile {
                token: Some(token),
                region: globals.region.clone(),
                base_url: globals.base_url.clone(),
                ashare_id: globals.ashare_id.clone(),
            };
            // The settings must make a client: a typo in the region fails here.
            let check = crate::settings::Settings {
                profile: None,
                values: profile.clone(),
                token_source: None,
            };
            check.client()?;
            config.profiles.insert(name.clone(), profile);
            if config.default.is_none() {
                config.default = Some(name.clone());
            }
            config.save(&path)?;
            eprintln!("profile {name:?} saved in {}", path.display());
            Ok(())
        }
        ProfileCommand::Use { name } => {
            if !config.profiles.contains_key(&name) {
                return Err(CliError::usage(format!("no profile named {name:?}")));
            }
            config.default = Some(name);
            config.save(&path)
        }
        ProfileCommand::List => {
            let rows: Vec<Value> = config
                .profiles
                .iter()
                .map(|(name, p)| {
                    json!({
                        "name": name,
                        "default": config.default.as_deref() == Some(name),
                        "region": p.region,
                        "base_url": p.base_url,
                        "ashare_id": p.ashare_id,
                    })
                })
                .collect();
            printer.value(Value::Array(rows))
        }
        ProfileCommand::Show { name } => {
            let settings = crate::settings::resolve(globals, name.as_deref())?;
            printer.value(settings.shown())
        }
        ProfileCommand::Delete { name } => {
            if config.profiles.remove(&name).is_none() {
                return Err(CliError::usage(format!("no profile named {name:?}")));
            }
            if config.default.as_deref() == Some(&name) {
                config.default = None;
            }
            config.save(&path)
        }
    }
}

async fn sandbox(port: u16, seed: bool, token: String) -> Result<(), CliError> {
    let sandbox = integrator_io_sandbox::Sandbox::builder()
        .port(port)
        .seed(seed)
        .token(token.clone())
        .log_requests(true)
        .start()
        .await
        .map_err(|e| CliError::other(format!("cannot start the sandbox: {e}")))?;
    eprintln!(
        "sandbox listening on {} (token {token:?}); in another shell:\n\n  \
         export INTEGRATOR_BASE_URL={} INTEGRATOR_API_TOKEN={token}\n  \
         integrator flows list --format table\n\nCtrl-C stops it.",
        sandbox.base_url(),
        sandbox.base_url()
    );
    tokio::select! {
        _ = sandbox.serve_forever() => Ok(()),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
