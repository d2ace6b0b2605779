//! The command line's own numbers, one run, ratios against baselines measured in the same
//! run (BENCHMARKS.md):
//!
//! - `integrator exports list --format ndjson` over 20,000 and 200,000 exports from the
//!   sandbox: records per second against the client library streaming the same listing
//!   and writing the same NDJSON in Rust, and the CLI's peak resident memory at 200k
//!   against 20k (streaming keeps it flat);
//! - start-up of `integrator --help` and `integrator profile show` against
//!   `cargo --version`.
//!
//! `cargo bench -p integrator-io-cli --bench cli` (Linux: peak memory is read from
//! `/proc/<pid>/status`).

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use integrator_io_sandbox::Sandbox;

const BIN: &str = env!("CARGO_BIN_EXE_integrator");
const PAGE: &str = "1000";
const ROUNDS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    startup();
    let mut peaks = Vec::new();
    for n in [20_000, 200_000] {
        let sandbox = runtime
            .block_on(
                Sandbox::builder()
                    .port(0)
                    .seed_list_items(n)
                    .no_rate_limit()
                    .start(),
            )
            .expect("sandbox");
        // Alternating rounds, medians: the machine's drift hits both sides alike.
        let mut cli_rates = Vec::new();
        let mut lib_rates = Vec::new();
        let mut peak_kb = 0;
        let mut records = 0;
        for _ in 0..ROUNDS {
            let (cli_records, cli_time, peak) = cli_listing(&sandbox);
            let (lib_records, lib_time) = runtime.block_on(library_listing(&sandbox));
            assert_eq!(cli_records, lib_records, "both list every export");
            records = cli_records;
            peak_kb = peak_kb.max(peak);
            cli_rates.push(cli_records as f64 / cli_time.as_secs_f64());
            lib_rates.push(lib_records as f64 / lib_time.as_secs_f64());
        }
        let (cli_rate, lib_rate) = (median_of(cli_rates), median_of(lib_rates));
        println!(
            "exports list, {records} records, median of {ROUNDS} alternating rounds: \
             CLI {cli_rate:.0} records/s (peak RSS {peak_kb} KB); library {lib_rate:.0} records/s; \
             CLI / library = {:.2}",
            cli_rate / lib_rate
        );
        peaks.push(peak_kb);
    }
    if let [small, large] = peaks[..] {
        println!(
            "peak RSS at 200k / at 20k = {:.2}",
            large as f64 / small.max(1) as f64
        );
    }
}

/// Runs the CLI over the sandbox's exports; gives the records, the time and the peak RSS.
fn cli_listing(sandbox: &Sandbox) -> (u64, Duration, u64) {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(["exports", "list", "--format", "ndjson", "--page-size", PAGE])
        .env("INTEGRATOR_BASE_URL", sandbox.base_url())
        .env("INTEGRATOR_API_TOKEN", sandbox.token())
        .env(
            "INTEGRATOR_CONFIG_DIR",
            std::env::temp_dir().join("integrator-bench-none"),
        )
        .stdout(Stdio::piped())
        .spawn()
        .expect("integrator runs");
    let pid = child.id();
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut lines = 0u64;
        let mut reader = BufReader::with_capacity(1 << 20, stdout);
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line).expect("read") > 0 {
            lines += 1;
            line.clear();
        }
        lines
    });
    // VmHWM only grows: its last reading before exit is the peak.
    let mut peak = 0;
    loop {
        if let Some(kb) = vm_hwm(pid) {
            peak = peak.max(kb);
        }
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let records = reader.join().expect("reader");
    let elapsed = started.elapsed();
    (records, elapsed, peak)
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The client library doing the same: every page, every export written as NDJSON.
async fn library_listing(sandbox: &Sandbox) -> (u64, Duration) {
    let client = sandbox.client().expect("client");
    let started = Instant::now();
    let mut out = BufWriter::with_capacity(
        64 * 1024,
        std::fs::File::create("/dev/null").expect("/dev/null"),
    );
    let mut exports = client.list_exports().limit(1000).stream();
    let mut records = 0u64;
    while let Some(export) = exports.try_next().await.expect("listing") {
        serde_json::to_writer(&mut out, &export).expect("write");
        out.write_all(b"\n").expect("write");
        records += 1;
    }
    out.flush().expect("flush");
    (records, started.elapsed())
}

fn median_of(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Median wall time of `runs` runs of a command.
fn median(runs: usize, mut command: impl FnMut() -> Command) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = command()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("runs");
            assert!(status.success());
            started.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn startup() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path();
    std::fs::write(
        config.join("config.toml"),
        "default = \"bench\"\n\n[profiles.bench]\ntoken = \"t\"\nregion = \"eu\"\n",
    )
    .expect("config");
    let runs = 21;
    let cargo = median(runs, || {
        let mut c = Command::new("cargo");
        c.arg("--version");
        c
    });
    let help = median(runs, || {
        let mut c = Command::new(BIN);
        c.arg("--help");
        c
    });
    let show = median(runs, || {
        let mut c = Command::new(BIN);
        c.args(["profile", "show"])
            .env("INTEGRATOR_CONFIG_DIR", config);
        c
    });
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "start-up (median of {runs}): cargo --version {:.1} ms; integrator --help {:.1} ms ({:.2}x cargo); \
         integrator profile show {:.1} ms ({:.2}x cargo)",
        ms(cargo),
        ms(help),
        ms(help) / ms(cargo),
        ms(show),
        ms(show) / ms(cargo)
    );
}
