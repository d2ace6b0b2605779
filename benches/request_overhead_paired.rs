//! Request overhead as paired rounds: bare reqwest and the client take turns, a round
//! of each at a time, on the same server and runtime, so a change in what else the
//! machine is doing hits both sides of a pair alike. The ratio of each pair
//! (client throughput / bare throughput) is reported as median and quartiles.
//!
//! `cargo bench --bench request_overhead_paired`
//! (`ROUNDS`, default 25, and `ROUND`, requests per round, default 2,000.)
//!
//! `request_overhead_paired --count WHO CALL TASKS N` sends N requests of one case and
//! nothing else, for counting instructions under callgrind
//! (`scripts/request_instructions.sh`). WHO is `bare`, `bare-timeouts`,
//! `client-no-limit`, `client-no-retry` (also without retries), `client`, or
//! `copy-only` (only the PUT bodies' copies, which every case makes before sending);
//! CALL is `get` or `put`.

mod common;

use std::process::ExitCode;
use std::sync::Arc;

use common::requests::{bodies, run, setup, Call, Setup, Who};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--count") => count(&args[1..]),
        _ => {
            paired();
            ExitCode::SUCCESS
        }
    }
}

fn env_count(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

/// The sides that take turns with bare reqwest.
const SIDES: [(Who, &str); 3] = [
    (Who::BareTimeouts, "bare+timeouts"),
    (Who::NoRetry, "client no-retry"),
    (Who::NoLimit, "client"),
];

fn paired() {
    let rounds = env_count("ROUNDS", 25) as usize;
    let round = env_count("ROUND", 2_000);
    let setup = Arc::new(setup());
    println!(
        "{rounds} rounds of {round} requests per side; ratio = side / bare reqwest throughput \
         (median, quartiles); client = Client without its rate limiter, no-retry = and \
         without retries"
    );
    print!("{:<15} {:>10}", "case", "bare req/s");
    for (_, name) in SIDES {
        print!(" {:>14} {:>20}", format!("{name} req/s"), "ratio");
    }
    println!();
    for (call, call_name) in [(Call::Get, "get"), (Call::Put, "put")] {
        for (tasks, mode) in [(1, "sequential"), (16, "16-tasks")] {
            let mut order: Vec<Who> = std::iter::once(Who::Bare)
                .chain(SIDES.iter().map(|(who, _)| *who))
                .collect();
            // Warm every side's connection pool.
            for who in &order {
                run(&setup, *who, call, tasks, round / 2);
            }
            // Seconds per round, for each side.
            let mut seconds = vec![Vec::with_capacity(rounds); order.len()];
            for _ in 0..rounds {
                for who in &order {
                    let elapsed = run(&setup, *who, call, tasks, round).as_secs_f64();
                    seconds[side_index(*who)].push(elapsed);
                }
                // Each side goes first in turn, so none always follows another.
                order.rotate_left(1);
            }
            let requests = (rounds as u64 * round) as f64;
            let rate = |side: usize| requests / seconds[side].iter().sum::<f64>();
            print!("{:<15} {:>10.0}", format!("{call_name}-{mode}"), rate(0));
            for side in 1..seconds.len() {
                let mut ratios: Vec<f64> = (0..rounds)
                    .map(|r| seconds[0][r] / seconds[side][r])
                    .collect();
                ratios.sort_by(f64::total_cmp);
                let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
                print!(
                    " {:>14.0} {:>6.3} ({:.3}–{:.3})",
                    rate(side),
                    at(0.5),
                    at(0.25),
                    at(0.75)
                );
            }
            println!();
        }
    }
}

/// Where a side's times go: bare reqwest first, then `SIDES` in order.
fn side_index(who: Who) -> usize {
    SIDES
        .iter()
        .position(|(side, _)| *side == who)
        .map_or(0, |i| i + 1)
}

fn count(args: &[String]) -> ExitCode {
    let [who, call, tasks, n] = args else {
        eprintln!("usage: request_overhead_paired --count WHO CALL TASKS N");
        return ExitCode::from(2);
    };
    let who = match who.as_str() {
        "copy-only" => None,
        "bare" => Some(Who::Bare),
        "bare-timeouts" => Some(Who::BareTimeouts),
        "client-no-limit" => Some(Who::NoLimit),
        "client-no-retry" => Some(Who::NoRetry),
        "client" => Some(Who::Client),
        _ => {
            eprintln!(
                "WHO: bare, bare-timeouts, client-no-limit, client-no-retry, client or copy-only"
            );
            return ExitCode::from(2);
        }
    };
    let call = match call.as_str() {
        "get" => Call::Get,
        "put" => Call::Put,
        _ => {
            eprintln!("CALL: get or put");
            return ExitCode::from(2);
        }
    };
    let (Ok(tasks), Ok(n)) = (tasks.parse::<u64>(), n.parse::<u64>()) else {
        eprintln!("TASKS and N are counts");
        return ExitCode::from(2);
    };
    let setup: Arc<Setup> = Arc::new(setup());
    match who {
        Some(who) => {
            let elapsed = run(&setup, who, call, tasks.max(1), n);
            eprintln!("{n} requests in {elapsed:?}");
        }
        None => {
            std::hint::black_box(bodies(&setup, call, tasks.max(1), n));
        }
    }
    ExitCode::SUCCESS
}
