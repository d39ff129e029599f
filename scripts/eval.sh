#!/usr/bin/env bash
# `make eval`: start the product on free ports and print one table of its quality
# (rule-base scenarios, shared eval, knowledge-base, NLU and answers held-out sets). Extra
# arguments go to bench/eval_all.py (e.g. -v to list every failing case).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
scripts/bootstrap.sh
scripts/train.sh
exec .venv/bin/python -m bench.eval_all "$@"
