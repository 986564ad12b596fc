#!/usr/bin/env bash
# Instructions per simulated run, counted by valgrind's callgrind: a figure that does not
# depend on the machine's speed or load (docs/simulation.md, "Speed").
#
#   benches/instructions.sh [SPEC] [RUNS]      (default: scenarios/korea-2020.toml 200)
#
# Runs `detente simulate SPEC --runs N --threads 1` under callgrind for N = RUNS and
# N = 2 * RUNS and prints (I(2 RUNS) - I(RUNS)) / RUNS: the cost of one more simulated
# run, without start-up, reading the file, planning and the summary (which the
# difference cancels). Needs valgrind and a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
spec=${1:-scenarios/korea-2020.toml}
runs=${2:-200}
cargo build --release --quiet -p detente-cli
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    target/release/detente simulate "$spec" --runs "$1" --threads 1 --seed 1 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
small=$(count "$runs")
large=$(count $((2 * runs)))
echo "instructions: $small for $runs runs, $large for $((2 * runs)) runs"
echo "per simulated run: $(( (large - small) / runs ))"
