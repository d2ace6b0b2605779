//! Running one `<area> <verb>` command: the request from the parsed arguments, then a
//! dry run, a confirmed delete, a read-modify-write, a listing or a single call.

use std::io::{IsTerminal, Read, Write};

use clap::ArgMatches;
use futures::TryStreamExt;
use integrator_io::paging::ListRequest;
use integrator_io::{Client, RawRequest};
use serde_json::Value;

use crate::command::{ids, param_id, Globals};
use crate::exit::CliError;
use crate::output::Printer;
use crate::table::{Location, OpSpec};

/// Runs `op` with the arguments in `matches`.
pub async fn run(
    globals: &Globals,
    op: &'static OpSpec,
    matches: &ArgMatches,
) -> Result<(), CliError> {
    // Everything that can be refused locally is checked before a client is built or
    // anything is sent.
    let mut printer = Printer::new(globals, op.area)?;
    let body = read_body(matches)?;
    let sets: Vec<String> = matches
        .try_get_many::<String>(ids::SET)
        .ok()
        .flatten()
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let dry_run = flag(matches, ids::DRY_RUN);
    if op.method == "DELETE" && !dry_run && !flag(matches, ids::YES) {
        confirm_delete(op, matches)?;
    }
    let client = crate::settings::client_for_profile(globals, None)?;
    let operation = integrator_io::operations::ALL
        .iter()
        .copied()
        .find(|o| o.id == op.id)
        .ok_or_else(|| CliError::other(format!("{}: not an operation of this client", op.id)))?;
    let mut request = client.raw(operation);
    for param in op.params {
        if let Some(value) = matches.get_one::<String>(&param_id(param)) {
            request = match param.location {
                Location::Path => request.path_param(param.name, value),
                Location::Query => request.query(param.name, value),
                Location::Header => request.header(param.name, value),
            };
        }
    }
    if let Some(list) = &op.list {
        if list.by_time {
            request = request.pages_by_time(list.skip);
        }
    }
    let body = if sets.is_empty() {
        body
    } else {
        Some(read_modify(&client, op, matches, body, &sets).await?)
    };
    if let Some(body) = body {
        request = request.body(body);
    }
    if dry_run {
        return print_request(&client, &request);
    }
    if op.list.is_some() {
        let limit = matches
            .try_get_one::<u64>(ids::LIMIT)
            .ok()
            .flatten()
            .copied();
        list(request, flag(matches, ids::PAGE), limit, &mut printer).await
    } else {
        let answer = request.send().await?.into_inner();
        printer.value(answer)
    }
}

/// A flag the command may not define (`--yes` only on deletes).
fn flag(matches: &ArgMatches, id: &str) -> bool {
    matches
        .try_get_one::<bool>(id)
        .ok()
        .flatten()
        .copied()
        .unwrap_or(false)
}

/// The body from `--body FILE` or `--body -` (stdin), checked to be JSON and kept
/// byte for byte.
fn read_body(matches: &ArgMatches) -> Result<Option<Vec<u8>>, CliError> {
    let Some(source) = matches.try_get_one::<String>(ids::BODY).ok().flatten() else {
        return Ok(None);
    };
    let bytes = if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| CliError::usage(format!("--body -: cannot read stdin: {e}")))?;
        bytes
    } else {
        std::fs::read(source).map_err(|e| CliError::usage(format!("--body {source}: {e}")))?
    };
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        return Err(CliError::usage(format!(
            "--body {source}: not valid JSON: {e}; nothing was sent"
        )));
    }
    Ok(Some(bytes))
}

/// Asks on a terminal; refuses without `--yes` otherwise.
fn confirm_delete(op: &OpSpec, matches: &ArgMatches) -> Result<(), CliError> {
    let target: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.location == Location::Path)
        .filter_map(|p| matches.get_one::<String>(&param_id(p)).cloned())
        .collect();
    let what = format!("{} {}", op.area, target.join(" "));
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(CliError::usage(format!(
            "refusing to delete {} without --yes (stdin is not a terminal to ask on); nothing was sent",
            what.trim_end()
        )));
    }
    eprint!("Delete {}? [y/N] ", what.trim_end());
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::usage(format!("cannot read the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(CliError::usage("not deleted"))
    }
}

/// The body for `--set`: the resource as read (or the `--body` given), changed only
/// where `sets` say, with every other field as received.
async fn read_modify(
    client: &Client,
    op: &OpSpec,
    matches: &ArgMatches,
    body: Option<Vec<u8>>,
    sets: &[String],
) -> Result<Vec<u8>, CliError> {
    let mut resource: Value = match body {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| CliError::usage(format!("--body: not valid JSON: {e}")))?,
        None => {
            let reader = crate::table::reader_of(op)
                .and_then(|r| {
                    integrator_io::operations::ALL
                        .iter()
                        .copied()
                        .find(|o| o.id == r.id)
                })
                .ok_or_else(|| CliError::usage(format!("{}: nothing to read for --set", op.id)))?;
            let mut read = client.raw(reader);
            for param in op.params.iter().filter(|p| p.location != Location::Query) {
                if let Some(value) = matches.get_one::<String>(&param_id(param)) {
                    read = match param.location {
                        Location::Header => read.header(param.name, value),
                        _ => read.path_param(param.name, value),
                    };
                }
            }
            read.send().await?.into_inner()
        }
    };
    for assignment in sets {
        crate::set::apply(&mut resource, assignment)?;
    }
    serde_json::to_vec(&resource)
        .map_err(|e| CliError::other(format!("cannot encode the body: {e}")))
}

/// Prints what `request` would send, the token redacted, and sends nothing.
fn print_request(client: &Client, request: &RawRequest<'_>) -> Result<(), CliError> {
    let built = request.build()?;
    let mut out = std::io::stdout().lock();
    let mut lines = vec![format!("{} {}", built.method(), built.url())];
    lines.push("Authorization: Bearer <redacted>".to_string());
    if let Some(id) = client.ashare_id() {
        if !built
            .headers()
            .contains_key(integrator_io::ASHARE_ID_HEADER)
        {
            lines.push(format!("{}: {id}", integrator_io::ASHARE_ID_HEADER));
        }
    }
    for (name, value) in built.headers() {
        lines.push(format!("{name}: {}", value.to_str().unwrap_or("<binary>")));
    }
    let body = built
        .body()
        .and_then(|b| b.as_bytes())
        .map(|b| String::from_utf8_lossy(b).into_owned());
    let text = match body {
        Some(body) => format!("{}\n\n{body}\n", lines.join("\n")),
        None => format!("{}\n", lines.join("\n")),
    };
    out.write_all(text.as_bytes())
        .map_err(|e| CliError::other(format!("cannot write the output: {e}")))
}

/// Streams every item (or one page's), up to `limit`, with a progress line on a
/// terminal's stderr.
async fn list(
    request: RawRequest<'_>,
    one_page: bool,
    limit: Option<u64>,
    printer: &mut Printer,
) -> Result<(), CliError> {
    let progress = crate::progress::Progress::new();
    let limit = limit.unwrap_or(u64::MAX);
    let mut seen = 0u64;
    if one_page {
        // The page's items, found the way the pager finds them.
        let page = request.send().await?.into_inner();
        let (items, _) = <RawRequest as ListRequest>::into_items(page);
        for item in items
            .into_iter()
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
        {
            printer.item(item)?;
        }
        return printer.end_list();
    }
    let mut items = request.stream();
    let result = async {
        while seen < limit {
            let Some(item) = items.try_next().await? else {
                break;
            };
            seen += 1;
            progress.tick(seen);
            printer.item(item)?;
        }
        Ok::<(), CliError>(())
    }
    .await;
    progress.finish();
    // What was printed stays valid JSON even when paging failed part way.
    printer.end_list()?;
    result
}
