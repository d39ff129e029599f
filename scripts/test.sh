#!/usr/bin/env bash
# Install what is missing and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var artifacts

scripts/bootstrap.sh
scripts/train.sh

echo "==> 代码检查（ruff、mypy）"
.venv/bin/ruff check api policy_kb tests scripts bench
.venv/bin/mypy

echo "==> 对话数据校验（rasa data validate）"
PYTHONPATH=bot .venv-bot/bin/rasa data validate --config bot/config.yml --domain bot/domain.yml \
  --data bot/data --fail-on-warnings >var/validate.log 2>&1 || { cat var/validate.log >&2; exit 1; }

echo "==> 动作服务器测试（Rasa 环境）"
.venv-bot/bin/python -m pytest tests/actions -q

echo "==> 服务与规则测试"
.venv/bin/python -m pytest "$@"
