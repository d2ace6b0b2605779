#!/usr/bin/env bash
# Build cost of the generated client, as a user pays it (not run in CI). In one run:
#   1. the clean build of a consumer crate that depends on the client with default
#      features (dev profile, `--lib`, `CARGO_INCREMENTAL=0`): every dependency, the
#      build script and its generator, the generated client;
#   2. the clean build of a stand-in crate with the client's runtime dependencies as the
#      default features select them (same Cargo.lock versions), an empty lib.rs and no
#      build script;
#   3. the ratio of the two, the time of the generation step alone (the client's build
#      script run again, warm) and the size of the generated code.
# Each build gets its own CARGO_TARGET_DIR under /tmp, deleted afterwards. Needs python3
# (to read the client's Cargo.toml), bc and GNU time (/usr/bin/time).
# Usage: scripts/build_cost.sh [CLIENT_DIR]   (default: this checkout; JOBS=n for -j n)
set -euo pipefail
cd "$(dirname "$0")/.."
client=$(cd "${1:-.}" && pwd)
work=$(mktemp -d /tmp/integrator-io-build-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT
jobs=(); [[ -n "${JOBS:-}" ]] && jobs=(-j "$JOBS")
export CARGO_INCREMENTAL=0 CARGO_TERM_COLOR=never

# Wall-clock seconds of a command; its CPU seconds (user + system, every process it
# started) go to $work/cpu, since on 2 busy cores the CPU time is the steadier figure.
seconds() {
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>"$work/log" || { cat "$work/log"; exit 1; }
  read -r wall user sys <"$work/time"
  echo "$user + $sys" | bc >"$work/cpu"
  echo "$wall"
}

# 1. A consumer of the client, default features.
mkdir -p "$work/consumer/src"
printf '[package]\nname = "consumer"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nintegrator-io = { path = "%s" }\n\n[workspace]\n' \
  "$client" >"$work/consumer/Cargo.toml"
printf 'pub use integrator_io::Client;\n' >"$work/consumer/src/lib.rs"
cp "$client/Cargo.lock" "$work/consumer/Cargo.lock"
consumer=$(cd "$work/consumer" && CARGO_TARGET_DIR="$work/consumer-target" seconds cargo build "${jobs[@]}" --lib)
consumer_cpu=$(cat "$work/cpu")

# 3. The generation step alone: the client's build script again, same inputs.
script=$(ls "$work"/consumer-target/debug/build/integrator-io-*/build-script-build | head -1)
mkdir -p "$work/out"
gen=$(cd "$client" && OUT_DIR="$work/out" seconds "$script")
lines=$(wc -l <"$work/out/integrator.rs")
bytes=$(wc -c <"$work/out/integrator.rs")
rm -rf "$work/consumer-target"

# 2. The stand-in: the client's non-optional [dependencies] plus those its default
# features turn on (`dep:x`, `x/feature`), the same lock file.
mkdir -p "$work/baseline/src"
python3 - "$client/Cargo.toml" >"$work/baseline/Cargo.toml" <<'PY'
import sys, tomllib
manifest = tomllib.load(open(sys.argv[1], "rb"))
workspace = manifest.get("workspace", {}).get("dependencies", {})
features = manifest.get("features", {})
deps, on, extra = {}, set(), {}
def enable(feature):
    for item in features.get(feature, []):
        if item.startswith("dep:"):
            on.add(item[4:])
        elif "/" in item:
            dep, feat = item.split("/", 1)
            extra.setdefault(dep.rstrip("?"), []).append(feat)
            if not dep.endswith("?"):
                on.add(dep)
        else:
            enable(item)
for feature in features.get("default", []):
    enable(feature)
for name, spec in manifest["dependencies"].items():
    spec = dict(spec) if isinstance(spec, dict) else {"version": spec}
    if spec.pop("workspace", False):
        inherited = workspace[name]
        spec = {**({"version": inherited} if isinstance(inherited, str) else inherited), **spec}
    if spec.pop("optional", False) and name not in on:
        continue
    spec["features"] = sorted(set(spec.get("features", []) + extra.get(name, [])))
    deps[name] = spec
def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return '"' + str(v) + '"'
print('[package]\nname = "baseline"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]')
for name, spec in deps.items():
    print(f"{name} = {{ " + ", ".join(f"{k} = {value(v)}" for k, v in spec.items()) + " }")
print("\n[workspace]")
PY
: >"$work/baseline/src/lib.rs"
cp "$client/Cargo.lock" "$work/baseline/Cargo.lock"
base=$(cd "$work/baseline" && CARGO_TARGET_DIR="$work/baseline-target" seconds cargo build "${jobs[@]}" --lib)
base_cpu=$(cat "$work/cpu")
rm -rf "$work/baseline-target"

printf 'client: %s (%s)\n' "$client" "$(git -C "$client" log -1 --format='%h %s' 2>/dev/null | cut -c1-60)"
printf 'consumer, clean (dev, default features): %.1f s\n' "$consumer"
printf 'same runtime dependencies, no code:      %.1f s\n' "$base"
printf 'ratio consumer / dependencies only:      %.2f\n' "$(echo "$consumer / $base" | bc -l)"
printf 'CPU (user + system), consumer:           %.1f s\n' "$consumer_cpu"
printf 'CPU (user + system), dependencies only:  %.1f s\n' "$base_cpu"
printf 'CPU ratio:                               %.2f\n' "$(echo "$consumer_cpu / $base_cpu" | bc -l)"
printf 'load average at the end:                 %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'generation step alone (build script):    %.2f s\n' "$gen"
printf 'generated code: %s lines, %s bytes\n' "$lines" "$bytes"
