//! The command line: `pull`, `diff`, `plan` and `apply` as clap types and `run`
//! functions, for the `integrator` program to mount.
//!
//! ```no_run
//! use clap::Parser;
//! use integrator_io_sync::cli::{Accounts, SyncCommand};
//!
//! #[derive(Parser)]
//! struct Cli {
//!     /// The profile to act as (the program's global flag).
//!     #[arg(long, global = true)]
//!     account: Option<String>,
//!     /// The program's output format.
//!     #[arg(long, global = true, value_enum, default_value_t)]
//!     format: integrator_io_sync::cli::Format,
//!     #[command(subcommand)]
//!     command: SyncCommand,
//! }
//!
//! # async fn demo() {
//! let cli = Cli::parse();
//! // The program's own profiles: a name (`None`: the current account) to a client.
//! let current = cli.account.clone();
//! let accounts = move |profile: Option<&str>| -> Result<integrator_io::Client, String> {
//!     let _name = profile.or(current.as_deref()).unwrap_or("default");
//!     integrator_io::Client::from_env().map_err(|e| e.to_string())
//! };
//! let code = integrator_io_sync::cli::run(
//!     &cli.command,
//!     cli.format,
//!     &accounts,
//!     &mut std::io::stdout(),
//!     &mut std::io::stderr(),
//! )
//! .await;
//! std::process::exit(code);
//! # }
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use integrator_io::Client;
use serde_json::{json, Value};

use crate::apply::{apply, ApplyOptions, ApplyReport};
use crate::connection_map::ConnectionMap;
use crate::diff::{diff_trees, ChangeKind, FieldChange, ResourceChange};
use crate::error::SyncError;
use crate::ignore::Ignore;
use crate::journal::Journal;
use crate::plan::{plan, Action, Plan, PlanOptions};
use crate::pull::pull;
use crate::remote::Remote;
use crate::tree::Tree;

/// Exit code: equal, nothing to do, done.
pub const EXIT_OK: i32 = 0;
/// Exit code: different (`diff`), changes to make (`plan`), some left blocked (`apply`).
pub const EXIT_DIFFERENT: i32 = 1;
/// Exit code: an error (bad input, an account's refusal).
pub const EXIT_ERROR: i32 = 2;

/// The program's accounts: a client for a profile name. `None` is the program's
/// current account (its global `--profile`, else its default profile): `pull` reads
/// from it, and a `diff` side or `--to` written without a profile means it.
pub trait Accounts: Send + Sync {
    /// The client for `profile`, or why there is none.
    fn client(&self, profile: Option<&str>) -> Result<Client, String>;
}

impl<F> Accounts for F
where
    F: Fn(Option<&str>) -> Result<Client, String> + Send + Sync,
{
    fn client(&self, profile: Option<&str>) -> Result<Client, String> {
        self(profile)
    }
}

/// The four commands.
#[derive(Clone, Debug, Subcommand)]
pub enum SyncCommand {
    /// Pull an integration and everything it references into a directory of files.
    Pull(PullArgs),
    /// Compare two integrations, each a directory or a live one (PROFILE:ID).
    Diff(DiffArgs),
    /// Show what `apply` would change in the target.
    Plan(PlanArgs),
    /// Make the target's integration match the directory.
    Apply(ApplyArgs),
}

/// `pull INTEGRATION DIR`.
#[derive(Clone, Debug, Args)]
pub struct PullArgs {
    /// The integration: its _id or exact name.
    pub integration: String,
    /// The directory to write (created if missing; resources no longer there are removed).
    pub dir: PathBuf,
}

/// `diff A B`.
#[derive(Clone, Debug, Args)]
pub struct DiffArgs {
    /// A directory, or a live integration as PROFILE:ID (:ID for the program's current account).
    pub a: String,
    /// A directory, or a live integration as PROFILE:ID.
    pub b: String,
    /// Fields not compared, as KIND:/json/pointer (repeatable).
    #[arg(long = "ignore", value_name = "KIND:/POINTER")]
    pub ignore: Vec<String>,
}

/// `plan DIR --to PROFILE[:INTEGRATION]`.
#[derive(Clone, Debug, Args)]
pub struct PlanArgs {
    /// The tree to apply.
    pub dir: PathBuf,
    /// The target: a profile, and the integration's _id or name (else found by the
    /// journal or the tree's integration name, or created).
    #[arg(long, value_name = "PROFILE[:INTEGRATION]")]
    pub to: String,
    /// Delete what the target integration holds and the tree does not (never connections).
    #[arg(long)]
    pub prune: bool,
    /// A source connection (name or alias) to a target connection (name or _id): SOURCE=TARGET.
    #[arg(long = "connection-map", value_name = "SOURCE=TARGET")]
    pub connection_map: Vec<String>,
    /// A JSON file of source to target connections.
    #[arg(long, value_name = "FILE")]
    pub connection_map_file: Option<PathBuf>,
    /// Fields kept as the target has them, as KIND:/json/pointer (repeatable).
    #[arg(long = "ignore", value_name = "KIND:/POINTER")]
    pub ignore: Vec<String>,
}

/// `apply DIR --to PROFILE[:INTEGRATION]`.
#[derive(Clone, Debug, Args)]
pub struct ApplyArgs {
    /// What to apply, and where.
    #[command(flatten)]
    pub plan: PlanArgs,
    /// Requests at once (the client's rate limiter still paces them).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Where the backup pull of the target goes (default DIR/.integrator/backups).
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
}

/// Output formats of `diff`, `plan` and `apply` (`pull` prints its warnings as text). A
/// program mounting the commands passes its own `--format` to [`run`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Human,
    /// One JSON document.
    Json,
}

/// One side of a `diff`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    /// A tree on disk.
    Dir(PathBuf),
    /// A live integration: a profile (`None`: the default) and the integration's `_id`
    /// or name.
    Live(Option<String>, String),
}

impl Side {
    /// A directory when `text` names one, else `PROFILE:ID` (`:ID`: the program's
    /// current account, profile `None`).
    pub fn parse(text: &str) -> Result<Side, SyncError> {
        if Path::new(text).is_dir() {
            return Ok(Side::Dir(PathBuf::from(text)));
        }
        match text.split_once(':') {
            Some((profile, id)) if !id.is_empty() => Ok(Side::Live(
                (!profile.is_empty()).then(|| profile.to_string()),
                id.to_string(),
            )),
            _ => Err(SyncError::Usage(format!(
                "{text:?} is neither a directory nor a live integration (PROFILE:ID)"
            ))),
        }
    }
}

/// Runs `command`; answers the exit code (see [`EXIT_OK`], [`EXIT_DIFFERENT`],
/// [`EXIT_ERROR`]). Results go to `out`, errors to `err`.
pub async fn run(
    command: &SyncCommand,
    format: Format,
    accounts: &dyn Accounts,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> i32 {
    let result = match command {
        SyncCommand::Pull(args) => run_pull(args, accounts, out).await,
        SyncCommand::Diff(args) => run_diff(args, format, accounts, out).await,
        SyncCommand::Plan(args) => run_plan(args, format, accounts, out).await,
        SyncCommand::Apply(args) => run_apply(args, format, accounts, out).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            EXIT_ERROR
        }
    }
}

fn remote(accounts: &dyn Accounts, profile: Option<&str>) -> Result<Remote, SyncError> {
    accounts
        .client(profile)
        .map(Remote::new)
        .map_err(|e| match profile {
            Some(name) => SyncError::Usage(format!("profile {name}: {e}")),
            None => SyncError::Usage(e),
        })
}

fn io(e: std::io::Error) -> SyncError {
    SyncError::io("<output>", e)
}

/// `pull`: exit 0, or 2.
pub async fn run_pull(
    args: &PullArgs,
    accounts: &dyn Accounts,
    out: &mut (dyn Write + Send),
) -> Result<i32, SyncError> {
    let remote = remote(accounts, None)?;
    let snapshot = pull(&remote, &args.integration).await?;
    let summary = snapshot.tree.write(&args.dir)?;
    writeln!(
        out,
        "pulled {} resources into {}: {} files written, {} removed",
        snapshot.tree.resources.len(),
        args.dir.display(),
        summary.written.len(),
        summary.removed.len()
    )
    .map_err(io)?;
    for warning in &snapshot.warnings {
        writeln!(out, "warning: {warning}").map_err(io)?;
    }
    Ok(EXIT_OK)
}

async fn load(side: &Side, accounts: &dyn Accounts) -> Result<Tree, SyncError> {
    match side {
        Side::Dir(dir) => Tree::read(dir),
        Side::Live(profile, id) => {
            let remote = remote(accounts, profile.as_deref())?;
            Ok(pull(&remote, id).await?.tree)
        }
    }
}

/// `diff`: exit 0 when equal, 1 when different, 2 on error.
pub async fn run_diff(
    args: &DiffArgs,
    format: Format,
    accounts: &dyn Accounts,
    out: &mut (dyn Write + Send),
) -> Result<i32, SyncError> {
    let ignore = Ignore::parse_all(&args.ignore)?;
    let a = Side::parse(&args.a)?;
    let b = Side::parse(&args.b)?;
    let (a, b) = futures::try_join!(load(&a, accounts), load(&b, accounts))?;
    let changes = diff_trees(&a, &b, &ignore);
    match format {
        Format::Json => {
            let doc = json!({"equal": changes.is_empty(), "changes": changes});
            writeln!(out, "{}", pretty(&doc)).map_err(io)?;
        }
        Format::Human => write_changes(out, &changes).map_err(io)?,
    }
    Ok(if changes.is_empty() {
        EXIT_OK
    } else {
        EXIT_DIFFERENT
    })
}

fn write_changes(out: &mut (dyn Write + Send), changes: &[ResourceChange]) -> std::io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "no differences");
    }
    for change in changes {
        let mark = match change.change {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        };
        writeln!(out, "{mark} {}", change.resource)?;
        write_fields(out, &change.fields)?;
    }
    writeln!(out, "{} resources differ", changes.len())
}

fn write_fields(out: &mut (dyn Write + Send), fields: &[FieldChange]) -> std::io::Result<()> {
    for field in fields {
        writeln!(
            out,
            "    {}: {} -> {}",
            field.path,
            short(field.before.as_ref()),
            short(field.after.as_ref())
        )?;
    }
    Ok(())
}

/// A value on one line, at most 100 characters.
fn short(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "(absent)".into();
    };
    let text = serde_json::to_string(value).unwrap_or_default();
    if text.chars().count() > 100 {
        format!("{}…", text.chars().take(99).collect::<String>())
    } else {
        text
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// The target profile and integration of `--to PROFILE[:INTEGRATION]`.
fn target(to: &str) -> (Option<String>, Option<String>) {
    let (profile, integration) = match to.split_once(':') {
        Some((p, i)) => (p, Some(i.to_string()).filter(|i| !i.is_empty())),
        None => (to, None),
    };
    (
        (!profile.is_empty()).then(|| profile.to_string()),
        integration,
    )
}

async fn make_plan(
    args: &PlanArgs,
    accounts: &dyn Accounts,
) -> Result<(Plan, Remote, Journal), SyncError> {
    let (profile, integration) = target(&args.to);
    // Read (and, in `plan`, checked) before any request.
    let tree = Tree::read(&args.dir)?;
    let mut connection_map = ConnectionMap::parse_pairs(&args.connection_map)?;
    if let Some(file) = &args.connection_map_file {
        connection_map.add_file(file)?;
    }
    let options = PlanOptions {
        integration,
        prune: args.prune,
        connection_map,
        ignore: Ignore::parse_all(&args.ignore)?,
    };
    let remote = remote(accounts, profile.as_deref())?;
    let journal = Journal::load(&args.dir, &remote)?;
    let plan = plan(tree, &remote, &journal, &options).await?;
    Ok((plan, remote, journal))
}

/// `plan`: exit 0 when there is nothing to do, 1 when there are changes, 2 on error.
pub async fn run_plan(
    args: &PlanArgs,
    format: Format,
    accounts: &dyn Accounts,
    out: &mut (dyn Write + Send),
) -> Result<i32, SyncError> {
    let (plan, _, _) = make_plan(args, accounts).await?;
    match format {
        Format::Json => writeln!(out, "{}", pretty(&plan_json(&plan))).map_err(io)?,
        Format::Human => write_plan(out, &plan).map_err(io)?,
    }
    Ok(if plan.has_changes() {
        EXIT_DIFFERENT
    } else {
        EXIT_OK
    })
}

fn plan_json(plan: &Plan) -> Value {
    json!({
        "changes": plan.has_changes(),
        "targetIntegration": plan.target_integration(),
        "steps": plan.steps,
        "matches": plan.matches.iter().map(|(k, m)| (k.to_string(), json!(m))).collect::<serde_json::Map<_, _>>(),
        "warnings": plan.warnings,
    })
}

fn write_plan(out: &mut (dyn Write + Send), plan: &Plan) -> std::io::Result<()> {
    for warning in &plan.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    if plan.steps.is_empty() {
        return writeln!(out, "no changes: the target matches the tree");
    }
    let mut counts = [0usize; 4];
    for step in &plan.steps {
        let (mark, n) = match step.action {
            Action::Create => ('+', 0),
            Action::Update => ('~', 1),
            Action::Delete => ('-', 2),
            Action::Blocked => ('!', 3),
        };
        counts[n] += 1;
        let id = step
            .target_id
            .as_deref()
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
        writeln!(out, "{mark} {} {}{id}", step.action, step.resource)?;
        if let Some(note) = &step.note {
            writeln!(out, "    note: {note}")?;
        }
        write_fields(out, &step.fields)?;
    }
    writeln!(
        out,
        "{} to create, {} to update, {} to delete, {} blocked",
        counts[0], counts[1], counts[2], counts[3]
    )
}

/// `apply`: exit 0 when done, 1 when some resources were left blocked, 2 on error.
pub async fn run_apply(
    args: &ApplyArgs,
    format: Format,
    accounts: &dyn Accounts,
    out: &mut (dyn Write + Send),
) -> Result<i32, SyncError> {
    let (plan, remote, mut journal) = make_plan(&args.plan, accounts).await?;
    if format == Format::Human {
        write_plan(out, &plan).map_err(io)?;
    }
    let options = ApplyOptions {
        concurrency: args.concurrency,
        backup_dir: args.backup_dir.clone(),
    };
    let report = apply(&plan, &remote, &mut journal, &args.plan.dir, &options).await?;
    match format {
        Format::Json => writeln!(out, "{}", pretty(&json!(report))).map_err(io)?,
        Format::Human => write_report(out, &report).map_err(io)?,
    }
    Ok(if report.blocked.is_empty() {
        EXIT_OK
    } else {
        EXIT_DIFFERENT
    })
}

fn write_report(out: &mut (dyn Write + Send), report: &ApplyReport) -> std::io::Result<()> {
    if let Some(dir) = &report.backup {
        writeln!(out, "backup of the target: {}", dir.display())?;
    }
    for (key, why) in &report.blocked {
        writeln!(out, "left as it is: {key}: {why}")?;
    }
    if report.is_empty() {
        return writeln!(out, "applied: no changes");
    }
    writeln!(
        out,
        "applied: {} created, {} updated, {} deleted",
        report.created.len(),
        report.updated.len(),
        report.deleted.len()
    )
}
