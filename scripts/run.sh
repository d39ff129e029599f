#!/usr/bin/env bash
# Start the whole product on embedded defaults: API, action server and Rasa.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

scripts/bootstrap.sh
scripts/train.sh

# Settings come from the environment or .env (see .env.example).
set -a; [ -f .env ] && . ./.env; set +a
API_PORT=${API_PORT:-8000}
export ACTION_SERVER_URL=${ACTION_SERVER_URL:-http://127.0.0.1:5055}
export RASA_URL=${RASA_URL:-http://127.0.0.1:5005}
export API_URL=${API_URL:-http://127.0.0.1:$API_PORT}
# The dialogue engine's secrets (development defaults; production sets its own, see .env.example).
# The action server calls the API with a dialogue token; Rasa and the action server listen on
# loopback only and refuse callers without their secret.
export API_TOKEN=${API_TOKEN:-dev-dialogue-token}
export RASA_TOKEN=${RASA_TOKEN:-dev-rasa-token}
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-dev-action-server-token}
ACTION_PORT=${ACTION_SERVER_URL##*:}; ACTION_PORT=${ACTION_PORT%%/*}
RASA_PORT=${RASA_URL##*:}; RASA_PORT=${RASA_PORT%%/*}

.venv/bin/python -m api check
.venv/bin/python -m api migrate
.venv/bin/python -m api seed

endpoints=bot/endpoints.yml
if [ -n "${REDIS_URL:-}" ]; then
  eval "$(.venv/bin/python scripts/redis_parts.py "$REDIS_URL")"
  endpoints=bot/endpoints.redis.yml
fi

# API worker processes. The channel sweepers each worker's lifespan runs take their work through
# database leases (pending replies, queued outbound messages), and the dialogue health probe is
# per process, so several workers neither answer nor send anything twice. The per-sender and
# per-address rate limits and WeChat's replay guard, though, are shared only through Redis
# (api/channels/runtime.py): without REDIS_URL each worker would keep its own counts in memory,
# so the limits would be multiplied by the workers, and the development SMS outbox that the chat
# page's demo code comes from would be per worker too. So: one per core with REDIS_URL, one
# without — and API_WORKERS above 1 without REDIS_URL is refused rather than silently loosening
# the limits. One worker is not what bounds the embedded run: a typical turn costs Rasa, which is
# one process here, more CPU than the API (measured: docs/performance.md, bench/profile_stack.py),
# so Rasa saturates its core first.
if [ -n "${API_WORKERS:-}" ]; then
  api_workers=$API_WORKERS
  if [ "$api_workers" -gt 1 ] && [ -z "${REDIS_URL:-}" ]; then
    echo "API_WORKERS=$api_workers 需要 REDIS_URL：限流和防重放计数在 Redis 中才能被多个进程共享（不设 Redis 时只能 1 个）。" >&2
    exit 1
  fi
elif [ -n "${REDIS_URL:-}" ]; then
  api_workers=$(nproc 2>/dev/null || echo 1)
else
  api_workers=1
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "==> 正在停止…"
  kill "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  echo "==> 已停止"
}
trap stop INT TERM EXIT

.venv-bot/bin/python -m actions.server --host 127.0.0.1 --port "$ACTION_PORT" >var/actions.log 2>&1 &
pids+=($!)
PYTHONPATH=bot .venv-bot/bin/rasa run --enable-api --auth-token "$RASA_TOKEN" -i 127.0.0.1 -m models/assistant.tar.gz \
  --endpoints "$endpoints" --credentials bot/credentials.yml --port "$RASA_PORT" >var/rasa.log 2>&1 &
pids+=($!)
.venv/bin/python -m uvicorn api.main:app --host 127.0.0.1 --port "$API_PORT" --workers "$api_workers" --log-level warning &
pids+=($!)

echo "==> 等待对话引擎加载模型…"
for _ in $(seq 1 120); do
  if curl -fs "http://127.0.0.1:$API_PORT/readyz" >/dev/null 2>&1; then break; fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "有进程启动失败，见 var/actions.log、var/rasa.log" >&2; exit 1; }
  done
  sleep 1
done
cat <<MSG

  失业保险智能咨询已启动
  网页对话：  http://127.0.0.1:$API_PORT/chat
  接口文档：  http://127.0.0.1:$API_PORT/docs
  健康检查：  http://127.0.0.1:$API_PORT/readyz
  工作台：    http://127.0.0.1:$API_PORT/console
  日志：      var/rasa.log  var/actions.log
  按 Ctrl-C 停止

MSG
wait -n "${pids[@]}"
