#!/usr/bin/env bash
# Instructions per request, bare reqwest against the client, counted by callgrind: a
# measure of the client's own cost that, unlike wall time, does not move with whatever
# else the machine is doing. Not run in CI.
#
# Each case runs twice, with FEW and MANY requests (sequential; the loopback server's
# thread is counted too, the same for every case); the difference divided by MANY - FEW
# leaves out the setup. Every case copies its PUT bodies before sending; that copy is
# counted alone (`copy-only`) and subtracted. Prints instructions per request and
# bare / case.
# Usage: scripts/request_instructions.sh        (FEW=200 MANY=4200 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
few=${FEW:-200}
many=${MANY:-4200}
work=$(mktemp -d /tmp/integrator-io-instructions.XXXXXX)
trap 'rm -rf "$work"' EXIT

cargo bench --locked --bench request_overhead_paired --no-run 2>"$work/build" ||
  { cat "$work/build" >&2; exit 1; }
bin=$(sed -nE 's/.*Executable .*\((.*request_overhead_paired-[0-9a-f]+)\).*/\1/p' "$work/build" | tail -1)

collected() { # who call n -> instructions for the whole run
  valgrind --tool=callgrind --callgrind-out-file="$work/out" "$bin" --count "$1" "$2" 1 "$3" 2>&1 |
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
}

per_request() { # who call -> instructions per request
  local a b
  a=$(collected "$1" "$2" "$few")
  b=$(collected "$1" "$2" "$many")
  echo $(( (b - a) / (many - few) ))
}

printf '%-6s %-16s %14s %10s\n' call case instructions bare/case
for call in get put; do
  copy=$(per_request copy-only "$call")
  bare=
  for who in bare bare-timeouts client-no-retry client-no-limit; do
    per=$(( $(per_request "$who" "$call") - copy ))
    [[ -z $bare ]] && bare=$per
    printf '%-6s %-16s %14d %10.3f\n' "$call" "$who" "$per" "$(echo "$bare / $per" | bc -l)"
  done
done
