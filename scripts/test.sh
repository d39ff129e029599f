#!/usr/bin/env bash
# Install what is missing and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var artifacts

scripts/bootstrap.sh
scripts/train.sh

echo "==> 引用审核（python -m policy_kb audit：每条引用逐字见于原文，只引用本地区与国家的文件）"
.venv/bin/python -m policy_kb audit

echo "==> 代码检查（ruff、mypy）"
.venv/bin/ruff check api policy_kb tests scripts bench devtools
.venv/bin/mypy

echo "==> 对话数据校验（rasa data validate）"
PYTHONPATH=bot .venv-bot/bin/rasa data validate --config bot/config.yml --domain bot/domain.yml \
  --data bot/data --fail-on-warnings >var/validate.log 2>&1 || { cat var/validate.log >&2; exit 1; }

echo "==> 动作服务器测试（Rasa 环境）"
.venv/bin/ruff check actions bot
.venv-bot/bin/python -m pytest tests/actions -q

echo "==> 对话端到端测试故事（rasa test core --e2e --fail-on-prediction-errors）"
PYTHONPATH=bot .venv-bot/bin/rasa test core --model models/assistant.tar.gz --stories bot/tests --e2e \
  --fail-on-prediction-errors --out var/rasa-test-core >var/test-core.log 2>&1 || {
  grep -A40 "WrongPrediction" var/test-core.log >&2 || tail -40 var/test-core.log >&2; exit 1; }
grep -E "Correct:" var/test-core.log | awk '{n++; printf "    %s %s / %s\n", (n == 1 ? "故事（对话级）" : "动作级"), $(NF-2), $NF}'

echo "==> NLU 交叉验证（3 折）"
PYTHONPATH=bot .venv-bot/bin/rasa test nlu --nlu bot/data --config bot/config.yml --cross-validation --folds 3 \
  --out var/nlu-cv >var/nlu-cv.log 2>&1 || { tail -40 var/nlu-cv.log >&2; exit 1; }
.venv-bot/bin/python bench/nlu_cv_summary.py var/nlu-cv

echo "==> 留出集意图准确率（data/nlu_heldout，未参与训练）"
PYTHONPATH=bot .venv-bot/bin/python bench/nlu_heldout.py --intent-only 2>var/nlu-heldout.log

echo "==> 服务与规则测试"
.venv/bin/python -m pytest "$@"
