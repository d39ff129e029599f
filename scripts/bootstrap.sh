#!/usr/bin/env bash
# Build or refresh the two Python environments from the project's locks.
# An environment is rebuilt only when its lock changed (a hash is kept inside it).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
  echo "需要 Python 3.11（Rasa 3.6 的锁文件按 3.11 验证）；当前 $("$PYTHON" --version)" >&2; exit 1; }

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

ensure_env() {  # ensure_env DIR "PIP ARGS" LOCK...   (JOINT=1: all locks in one pip run)
  local dir=$1 args=$2; shift 2
  local want; want=$(hash_of "$@")
  if [ -f "$dir/.lock-hash" ] && [ "$(cat "$dir/.lock-hash")" = "$want" ]; then
    return 0
  fi
  echo "==> 安装依赖到 $dir（$*）"
  [ -x "$dir/bin/python" ] || "$PYTHON" -m venv "$dir"
  local lock log runs=()
  if [ "${JOINT:-0}" = 1 ]; then
    runs=("$(printf -- '-r %s ' "$@")")
  else
    for lock in "$@"; do runs+=("-r $lock"); done
  fi
  log=$(mktemp)
  for lock in "${runs[@]}"; do
    # shellcheck disable=SC2086
    if ! "$dir/bin/python" -m pip install -q --disable-pip-version-check $args $lock >"$log" 2>&1; then
      grep -v '^WARNING: Location' "$log" >&2
      echo "安装 $lock 失败" >&2
      exit 1
    fi
  done
  rm -f "$log"
  echo "$want" > "$dir/.lock-hash"
}

# The service environment: what the API image installs (runtime.lock) plus the tests and tools
# (dev.lock), every file checked against its hash. The kept hash covers both locks.
JOINT=1 ensure_env .venv "--require-hashes" requirements/runtime.lock requirements/dev.lock
# Rasa 3.6 declares Python <3.11; the lock is a verified set for 3.11 (bot/README.md).
ensure_env .venv-bot "--no-deps --ignore-requires-python" bot/requirements.lock bot/requirements-test.lock

# Browser tests of the console (tests/browser) drive the system Chromium through Playwright;
# a CJK font keeps Chinese from rendering as boxes. Never `playwright install` (it downloads a browser).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装 Chromium 与中文字体（浏览器测试用）"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver fonts-wqy-microhei >/dev/null
  else
    echo "提示：未找到 chromium，浏览器测试将跳过（需 root 运行 apt-get install chromium chromium-driver fonts-wqy-microhei）" >&2
  fi
fi

# Fault tests (tests/faults) start a private redis-server of their own, so breaking it never
# disturbs the shared Redis the other tests use.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装 redis-server（故障测试用）"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >/dev/null
  else
    echo "提示：未找到 redis-server，Redis 故障测试将无法运行（需 root 运行 apt-get install redis-server）" >&2
  fi
fi
