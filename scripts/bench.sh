#!/usr/bin/env bash
# `make bench`: start the product on free ports, measure it and print one table, which also
# replaces the "## Figures" section of README.md. BENCH_CLAIMS=… shrinks the reminder run
# (default 1,000,000; it needs PostgreSQL: BENCH_POSTGRES_URL or TEST_POSTGRES_URL, else the
# local server); BENCH_SECONDS=… sets the load time per row; BENCH_OUTBOUND_MESSAGES=… the messages
# a row of the outbound delivery figures (default 2,000, 0 skips them). Extra arguments go to
# bench/run_all.py.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
scripts/bootstrap.sh
scripts/train.sh
exec .venv/bin/python -m bench.run_all "$@"
