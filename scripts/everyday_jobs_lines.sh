#!/usr/bin/env bash
# The four everyday jobs of issue 15, in lines of code: blank lines and comment lines
# (`//`, `///`, `//!`) are not counted, every other line is (imports, attributes, braces).
# Usage: scripts/everyday_jobs_lines.sh   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."

# lines FILE: the file's lines that are neither blank nor a comment.
lines() {
  grep -cvE '^[[:space:]]*(//.*)?$' "$1"
}

printf '%-58s %6s %6s %6s\n' "job (file)" lines before goal
row() {
  printf '%-58s %6s %6s %6s\n' "$1 ($2)" "$(lines "$2")" "$3" "$4"
}
row "a. error automation" examples/error_automation.rs 76 35
row "b. clone into an account share" examples/clone_to_shared_account.rs 37 20
row "c. state as a cursor store" examples/state_cursor.rs 17 8
row "d. mock-based test of the error job" tests/error_automation_job.rs 72 40
