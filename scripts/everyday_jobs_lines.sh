#!/usr/bin/env bash
# The four everyday jobs of issue 15, in lines of code: blank lines and comment lines
# (`//`, `///`, `//!`) are not counted; every other line is (imports, attributes,
# braces), as rustfmt leaves them. Each job is counted as the whole file, and as the
# function that does the job (signature to closing brace).
# Usage: scripts/everyday_jobs_lines.sh   (from anywhere in the repository)
set -euo pipefail
cd "$(dirname "$0")/.."

# code: stdin's lines that are neither blank nor a comment, counted.
code() {
  grep -cvE '^[[:space:]]*(//.*)?$' || true
}

# function FILE NAME: the lines of `fn NAME` up to the first `}` in column 1.
function_lines() {
  awk -v name="$2" '$0 ~ "fn " name "[(<]" {on = 1} on {print} on && /^}/ {exit}' "$1"
}

printf '%-40s %-34s %5s %9s %7s %5s\n' job file file job-fn before goal
row() {
  local job=$1 file=$2 fn=$3 before=$4 goal=$5
  printf '%-40s %-34s %5s %9s %7s %5s\n' "$job" "$file" "$(code <"$file")" \
    "$(function_lines "$file" "$fn" | code)" "$before" "$goal"
}
row "a. error automation, every flow" examples/error_automation.rs automate 76 35
row "b. clone into a share, fix connection" examples/clone_to_shared_account.rs clone_into 37 20
row "c. state as a cursor store" examples/state_cursor.rs new_jobs 17 8
row "d. mock-based test of the error job" tests/error_automation_job.rs \
  retries_transient_errors_and_resolves_duplicates 72 40
