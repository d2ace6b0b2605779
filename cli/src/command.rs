//! The command tree: the global options, the hand-written commands ([`Builtin`]) and
//! one `<area> <verb>` command per operation of the spec, built from the command table.

use clap::{Arg, ArgAction, Args, Command, FromArgMatches, Subcommand, ValueEnum};

use crate::table::{Kind, Location, OpSpec, ParamSpec, AREAS, OPERATIONS};

/// The options every command takes.
#[derive(Args, Clone, Debug, Default)]
pub struct Globals {
    /// The profile to use (default: the one `profile use` chose).
    #[arg(long, global = true, env = "INTEGRATOR_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// The API token (overrides the profile's). Prefer the environment variable: a flag
    /// is visible to other users of the machine.
    #[arg(
        long,
        global = true,
        env = "INTEGRATOR_API_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,
    /// The region: `na` (api.integrator.io) or `eu` (api.eu.integrator.io).
    #[arg(long, global = true, env = "INTEGRATOR_REGION", value_name = "REGION")]
    pub region: Option<String>,
    /// The API's base URL (a proxy, the sandbox); wins over --region.
    #[arg(long, global = true, env = "INTEGRATOR_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Act in this account share (`Integrator-AShareId`).
    #[arg(long, global = true, env = "INTEGRATOR_ASHARE_ID", value_name = "ID")]
    pub ashare_id: Option<String>,
    /// Output format (default: json, pretty on a terminal and compact otherwise).
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Table columns, comma-separated; dotted paths reach into objects (`settings.mode`).
    #[arg(long, global = true, value_delimiter = ',', value_name = "COLUMNS")]
    pub columns: Vec<String>,
    /// A jq filter applied in-process to the answer (to each item of a listing).
    #[arg(long, global = true, value_name = "FILTER")]
    pub jq: Option<String>,
    /// Print strings without quotes, one value a line (like `jq -r`).
    #[arg(long, short = 'r', global = true)]
    pub raw_output: bool,
    /// How many times a failed request is sent again (default 3; `429` after its
    /// `Retry-After`, `502`/`503`/`504` and broken connections after a backoff).
    #[arg(long, global = true, value_name = "N")]
    pub retries: Option<u32>,
    /// Trace each request and its timing on stderr (the token never shows).
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON: pretty on a terminal, compact otherwise; a listing is one array.
    Json,
    /// One compact JSON value per line (streams; memory stays flat).
    Ndjson,
    /// YAML.
    Yaml,
    /// An aligned table (`--columns` picks the columns).
    Table,
}

/// The hand-written commands, and those of the `integrator-io-sync` crate (`pull`,
/// `diff`, `plan`, `apply`), which get their clients from the profiles.
#[derive(Subcommand, Clone, Debug)]
pub enum Builtin {
    /// Manage connection profiles (token, region or base URL, account share).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Start the local sandbox: a stand-in for integrator.io on 127.0.0.1.
    Sandbox {
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Start with a realistic account (integrations, flows, exports, jobs, errors).
        #[arg(long)]
        seed: bool,
        /// The bearer token the sandbox accepts.
        #[arg(long = "sandbox-token", default_value = "sandbox-token")]
        sandbox_token: String,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of the command line.
    Man,
    /// Integrations as code: `pull`, `diff`, `plan`, `apply`.
    #[command(flatten)]
    Sync(integrator_io_sync::cli::SyncCommand),
}

/// `integrator profile …`
#[derive(Subcommand, Clone, Debug)]
pub enum ProfileCommand {
    /// Add or replace a profile from --token (or INTEGRATOR_API_TOKEN, or a line on
    /// stdin with --token-stdin), --region or --base-url, and --ashare-id.
    Add {
        /// The profile's name.
        name: String,
        /// Read the token from the first line of stdin.
        #[arg(long)]
        token_stdin: bool,
    },
    /// Make a profile the default.
    Use {
        /// The profile's name.
        name: String,
    },
    /// List the profiles.
    List,
    /// Show the settings in effect (the profile after environment and flags), the
    /// token redacted.
    Show {
        /// The profile (default: the one in effect).
        name: Option<String>,
    },
    /// Delete a profile.
    Delete {
        /// The profile's name.
        name: String,
    },
}

/// Argument ids of the per-operation options (parameters use `param:<wire name>`).
pub mod ids {
    /// `--body FILE|-`
    pub const BODY: &str = "body";
    /// `--set path=value`
    pub const SET: &str = "set";
    /// `--yes`
    pub const YES: &str = "yes";
    /// `--dry-run`
    pub const DRY_RUN: &str = "dry-run";
    /// `--limit N`
    pub const LIMIT: &str = "limit";
    /// `--page`
    pub const PAGE: &str = "page";
}

/// The argument id of a parameter.
pub fn param_id(param: &ParamSpec) -> String {
    format!("param:{}", param.name)
}

/// The whole command tree.
pub fn command() -> Command {
    let root = Command::new("integrator")
        .version(env!("CARGO_PKG_VERSION"))
        .about("The integrator.io REST API from the command line")
        .long_about(
            "The integrator.io REST API from the command line: every operation of the API \
             as `integrator <area> <verb>`.\n\n\
             Exit codes: 0 success; 1 API or transport error; 2 usage error (nothing sent); \
             3 not found (HTTP 404); 4 rate limited (HTTP 429 after retries).",
        )
        .subcommand_required(true)
        .arg_required_else_help(true)
        .max_term_width(100);
    let root = Globals::augment_args(root);
    let root = Builtin::augment_subcommands(root);
    AREAS
        .iter()
        .map(|(area, _)| *area)
        .chain(OPERATIONS.iter().map(|op| op.area))
        .fold(Vec::<&str>::new(), |mut areas, area| {
            if !areas.contains(&area) {
                areas.push(area);
            }
            areas
        })
        .into_iter()
        .fold(root, |root, area| root.subcommand(area_command(area)))
}

fn area_command(area: &'static str) -> Command {
    let about = AREAS
        .iter()
        .find(|(name, _)| *name == area)
        .map(|(_, about)| *about)
        .unwrap_or_default();
    OPERATIONS.iter().filter(|op| op.area == area).fold(
        Command::new(area)
            .about(about)
            .subcommand_required(true)
            .arg_required_else_help(true),
        |cmd, op| cmd.subcommand(operation_command(op)),
    )
}

fn operation_command(op: &'static OpSpec) -> Command {
    let mut long = String::from(op.summary);
    if !op.description.is_empty() {
        long.push_str("\n\n");
        long.push_str(op.description);
    }
    long.push_str(&format!("\n\n{} {} ({})", op.method, op.path, op.id));
    let mut cmd = Command::new(op.verb).about(op.summary).long_about(long);
    for param in op.params {
        cmd = cmd.arg(param_arg(param));
    }
    let writes_by_read = op.method == "PUT" && crate::table::reader_of(op).is_some();
    if let Some(body) = &op.body {
        let mut help = String::from("The request body: a JSON file, or `-` for stdin");
        if !body.help.is_empty() {
            help = format!("{help}. {}", body.help);
        }
        cmd = cmd.arg(
            Arg::new(ids::BODY)
                .long("body")
                .value_name("FILE")
                .help(help)
                .required(body.required && !writes_by_read),
        );
    }
    if writes_by_read {
        cmd = cmd.arg(
            Arg::new(ids::SET)
                .long("set")
                .value_name("PATH=VALUE")
                .action(ArgAction::Append)
                .help(
                    "Read the resource, change this field and write everything else back as \
                     received: `path=text` sets a string, `path:=json` any JSON value; \
                     dotted paths reach into objects and arrays (`settings.mode=full`, `pageSize:=100`)",
                ),
        );
        if op.body.as_ref().is_some_and(|b| b.required) {
            cmd = cmd.group(
                clap::ArgGroup::new("payload")
                    .args([ids::BODY, ids::SET])
                    .multiple(true)
                    .required(true),
            );
        }
    }
    if op.method == "DELETE" {
        cmd = cmd.arg(
            Arg::new(ids::YES)
                .long("yes")
                .short('y')
                .action(ArgAction::SetTrue)
                .help("Delete without asking (required when stdin is not a terminal)"),
        );
    }
    if op.list.is_some() {
        cmd = cmd
            .arg(
                Arg::new(ids::LIMIT)
                    .long("limit")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .help("Stop after N items (default: every item of every page)"),
            )
            .arg(
                Arg::new(ids::PAGE)
                    .long("page")
                    .action(ArgAction::SetTrue)
                    .help(
                        "Fetch one page only (see --page-size and --skip where the API has them)",
                    ),
            );
    }
    cmd.arg(
        Arg::new(ids::DRY_RUN)
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .help("Print the request (method, URL, headers with the token redacted, body) and send nothing"),
    )
}

fn param_arg(param: &'static ParamSpec) -> Arg {
    let mut help = param.help.to_string();
    let kind = match param.kind {
        Kind::Integer => Some("a whole number"),
        Kind::Number => Some("a number"),
        Kind::Boolean => Some("true or false"),
        Kind::DateTime => Some("an RFC 3339 date-time, e.g. 2024-05-01T00:00:00Z"),
        Kind::String => None,
    };
    if let Some(kind) = kind {
        help.push_str(&format!(" [{kind}]"));
    }
    if !param.known.is_empty() {
        let label = if param.open { "known values" } else { "values" };
        help.push_str(&format!(" [{label}: {}]", param.known.join(", ")));
    }
    let arg = Arg::new(param_id(param))
        .help(help)
        .value_parser(move |text: &str| crate::params::check(param, text));
    match param.location {
        Location::Path => arg.value_name(param.flag).required(true),
        Location::Query | Location::Header => arg
            .long(param.flag)
            .value_name(param.flag.to_ascii_uppercase().replace('-', "_"))
            .required(param.required),
    }
}

/// Parses `args` into the global options and what to run.
pub fn parse(args: Vec<std::ffi::OsString>) -> Result<(Globals, clap::ArgMatches), clap::Error> {
    let matches = command().try_get_matches_from(args)?;
    let globals = Globals::from_arg_matches(&matches)?;
    Ok((globals, matches))
}
