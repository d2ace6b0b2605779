//! Running a property for one operation: case count from `PROPTEST_CASES`, a seed that
//! can be replayed (`CONTRACT_SEED`), and a failure message with the minimal case.

use std::fmt::Debug;
use std::hash::{BuildHasher, Hash, Hasher};

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};

/// Cases per operation and property: `PROPTEST_CASES`, or 24.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24)
}

/// The run's seed: `CONTRACT_SEED` (hex), or a fresh one.
pub fn seed() -> u64 {
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *SEED.get_or_init(|| {
        std::env::var("CONTRACT_SEED")
            .ok()
            .and_then(|v| u64::from_str_radix(v.trim_start_matches("0x"), 16).ok())
            .unwrap_or_else(|| {
                std::collections::hash_map::RandomState::new()
                    .hash_one(std::time::SystemTime::now())
            })
    })
}

/// A runner seeded for `property` on `operation`: the same seed replays the same cases.
pub fn runner(property: &str, operation: &str) -> TestRunner {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (seed(), property, operation).hash(&mut hasher);
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(
            &(hasher.finish().rotate_left(i as u32 * 16) ^ i as u64).to_le_bytes(),
        );
    }
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Runs `test` on `strategy`'s cases; on failure, a message with the minimal case and
/// how to replay it.
pub fn check<T: Debug + Clone>(
    property: &str,
    operation: &str,
    strategy: impl Strategy<Value = T>,
    test: impl Fn(T) -> Result<(), TestCaseError>,
) -> Result<u32, String> {
    let mut runner = runner(property, operation);
    match runner.run(&strategy, test) {
        Ok(()) => Ok(cases()),
        Err(TestError::Fail(reason, minimal)) => Err(format!(
            "{property} contract of {operation} failed: {reason}\n  minimal case: {minimal:?}\n  \
             replay: CONTRACT_SEED={:x} PROPTEST_CASES={} cargo test --test contract",
            seed(),
            cases()
        )),
        Err(TestError::Abort(reason)) => Err(format!(
            "{property} contract of {operation} aborted: {reason} (CONTRACT_SEED={:x})",
            seed()
        )),
    }
}

/// One value of `strategy`, for inputs a contract needs but does not vary.
pub fn one<T>(strategy: impl Strategy<Value = T>, operation: &str) -> T {
    let mut runner = runner("fixed", operation);
    strategy.new_tree(&mut runner).expect("a value").current()
}
