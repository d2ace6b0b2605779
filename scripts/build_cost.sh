#!/usr/bin/env bash
# Build cost of the generated client (not run in CI): prints
#   1. the clean build time of the crate (dev profile, default features, lib only);
#   2. the clean build time of a stand-in crate with the same runtime [dependencies]
#      (same Cargo.lock versions), an empty lib.rs and no build script;
#   3. the time of the generation step alone (the build script run again, warm);
#   4. the size of the generated code.
# Each build gets its own CARGO_TARGET_DIR under /tmp, deleted afterwards.
# Usage: scripts/build_cost.sh        (JOBS=n to pass -j n)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$(mktemp -d /tmp/integrator-io-build-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
jobs=(); [[ -n "${JOBS:-}" ]] && jobs=(-j "$JOBS")
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

seconds() { local s=$(date +%s.%N); "$@" >/dev/null 2>"$work/log" || { cat "$work/log"; exit 1; }; echo "$(date +%s.%N) - $s" | bc; }

# 1. The crate.
crate=$(CARGO_TARGET_DIR="$work/crate" seconds cargo build --locked "${jobs[@]}" -p integrator-io --lib)

# 3. The generation step alone: run the crate's build script again with the same inputs.
script=$(ls "$work"/crate/debug/build/integrator-io-*/build-script-build | head -1)
mkdir -p "$work/out"
gen=$(OUT_DIR="$work/out" seconds "$script")
lines=$(wc -l <"$work/out/integrator.rs")
bytes=$(wc -c <"$work/out/integrator.rs")
rm -rf "$work/crate"

# 2. The stand-in: the same non-optional [dependencies], the same lock file.
mkdir -p "$work/baseline/src"
{
  printf '[package]\nname = "baseline"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n'
  awk '/^\[dependencies\]/{on=1;next} /^\[/{on=0} on && /=/ && !/optional = true/' Cargo.toml |
    sed -E 's/^(progenitor-client = ).*/\1"=0.15.1"/; s/^(serde = ).*/\1{ version = "1", features = ["derive"] }/; s/^(serde_json = ).*/\1"1"/'
  printf '\n[workspace]\n'
} >"$work/baseline/Cargo.toml"
: >"$work/baseline/src/lib.rs"
cp Cargo.lock "$work/baseline/Cargo.lock"
base=$(cd "$work/baseline" && CARGO_TARGET_DIR="$work/baseline-target" seconds cargo build "${jobs[@]}" --lib)
rm -rf "$work/baseline-target"

printf 'crate (clean, dev, default features): %.1f s\n' "$crate"
printf 'same runtime dependencies, no code:   %.1f s\n' "$base"
printf 'ratio crate / dependencies only:      %.2f\n' "$(echo "$crate / $base" | bc -l)"
printf 'generation step alone (build script): %.2f s\n' "$gen"
printf 'generated code: %s lines, %s bytes\n' "$lines" "$bytes"
