#!/usr/bin/env bash
# Instructions per replayed event and per state query, counted by valgrind's callgrind:
# figures that do not depend on the machine's speed or load (docs/semantics.md,
# "Speed"), on the replay bench's generated agreement (100 commitments).
#
#   benches/engine-instructions.sh [EVENTS] [QUERIES]     (default: 100000 200)
#
# Each figure is (I(2N) - I(N)) / N for the example `instructions` of detente-engine
# run with N and 2N on the same generated log of 2 EVENTS lines, so generating the log,
# starting up and compiling the agreement cancel out:
#   per event, read and replayed: the first N or 2N lines read as a log and replayed;
#   per event, replayed:          the whole log read, its first N or 2N events replayed;
#   per query:                    the whole log replayed, then N or 2N states composed
#                                 (with their reasons) at different dates.
# Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
events=${1:-100000}
queries=${2:-200}
total=$((2 * events))
cargo build --release --quiet -p detente-engine --example instructions
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    target/release/examples/instructions "$@" 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
per() { # mode total n
  local small large
  small=$(count "$1" "$2" "$3")
  large=$(count "$1" "$2" $((2 * $3)))
  echo $(( (large - small) / $3 ))
}
echo "per event, read and replayed: $(per load "$total" "$events")"
echo "per event, replayed:          $(per replay "$total" "$events")"
echo "per query:                    $(per query "$total" "$queries")"
