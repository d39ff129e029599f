#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed since the last training.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=models/assistant.tar.gz
STAMP=models/assistant.fingerprint
inputs=$(find bot/config.yml bot/domain.yml bot/data bot/components policy_kb/kb/dictionary.txt \
           -type f \( -name "*.yml" -o -name "*.yaml" -o -name "*.py" -o -name "*.txt" \) 2>/dev/null | sort || true)
# shellcheck disable=SC2086
fingerprint=$(cat $inputs | sha256sum | cut -d' ' -f1)

if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$fingerprint" ]; then
  echo "==> 对话模型已是最新，跳过训练（模型大小 $(du -h "$MODEL" | cut -f1)）"
  exit 0
fi
echo "==> 训练对话模型（训练数据或配置有变化）"
mkdir -p models var
start=$(date +%s)
PYTHONPATH=bot .venv-bot/bin/rasa train --quiet \
  --config bot/config.yml --domain bot/domain.yml --data bot/data \
  --out models --fixed-model-name assistant >var/train.log 2>&1 || {
  tail -40 var/train.log >&2; echo "训练失败，完整日志见 var/train.log" >&2; exit 1; }
echo "$fingerprint" > "$STAMP"
echo "==> 训练完成：$(( $(date +%s) - start )) 秒，模型大小 $(du -h "$MODEL" | cut -f1)"
