"""Where a typical chat turn's time goes in every process: py-spy over Rasa, the action server and the API.

    .venv/bin/python -m bench.profile_stack [--turns 200] [--top 12] [--py-spy PATH] [--keep DIR]
    .venv/bin/python -m bench.profile_stack --cpu [--turns 200]

`--cpu` leaves py-spy out and reads each process's CPU time (user + system, from the kernel)
before and after the same turns, for the typical messages through the gateway, straight to Rasa,
and a greeting straight to Rasa. CPU time, unlike latency and py-spy's samples (a thread waiting
for a core is sampled as busy), hardly moves with other work on a shared machine: it is the
figure to compare two versions of the code by.

Starts the product as `make bench` does (devtools' Stack: API on SQLite, action server, Rasa with
in-memory trackers, rate limits lifted), warms it, then samples each of the three processes with
py-spy (`py-spy record --pid`, idle threads left out) while bench/chat_turn.py's typical messages
go through the gateway one conversation at a time. Prints, per process, the CPU seconds sampled
and the share of them under each stage of a turn (Rasa's NLU components, policies, tracker and
lock stores, the action call, Sanic; the action server's actions and HTTP; the API's routes),
then the functions with the most own time. cProfile cannot do this for Rasa: its components run
inside a TensorFlow graph and the Sanic loop, and the profiler's overhead swamps the small calls.

py-spy comes with the dev environment (requirements/dev.in; .venv/bin/py-spy), or pass
`--py-spy PATH`. Needs ptrace of the started processes (root, or a kernel that allows it).
Figures only, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chat_turn import MESSAGES, percentile  # noqa: E402
from bench.run_all import product, warm_up  # noqa: E402
from devtools.stack import Stack  # noqa: E402

# Stage of a turn → a pattern matched against a sample's frames (the first stage that matches any
# frame of the stack, in this order, takes the sample). Names are py-spy's "function (file:line)".
STAGES: dict[str, list[tuple[str, str]]] = {
    "rasa": [
        ("tokenizer (jieba, ours)", r"domain_tokenizer\.py|jieba/"),
        ("RegexFeaturizer", r"regex_featurizer\.py"),
        ("CountVectorsFeaturizer", r"count_vectors_featurizer\.py"),
        ("DIETClassifier", r"diet_classifier\.py"),
        ("RegexEntityExtractor", r"regex_entity_extractor\.py"),
        ("other NLU components", r"rasa/nlu/|odd_input\.py"),
        ("policies (RulePolicy)", r"rasa/core/policies/"),
        ("tracker store", r"tracker_store\.py"),
        ("lock store", r"lock_store\.py"),
        ("action call (HTTP to the action server)", r"rasa/core/actions/action\.py|rasa/utils/endpoints\.py"),
        ("graph runner / featurising the tracker", r"rasa/engine/|rasa/shared/core/"),
        ("processor, agent", r"rasa/core/"),
        ("gateway channel, Sanic", r"sanic/|bot/channels|channels/"),
    ],
    "actions": [
        ("actions (ours)", r"/actions/(?!server)"),
        ("rasa-sdk executor", r"rasa_sdk/executor\.py|rasa_sdk/interfaces\.py|rasa_sdk/forms\.py"),
        ("rasa-sdk endpoint, Sanic", r"rasa_sdk/|sanic/"),
        ("aiohttp", r"aiohttp/"),
    ],
    "api": [
        ("knowledge base, answers", r"policy_kb/|api/answers/|api/kb/"),
        ("chat gateway", r"api/chat/"),
        ("identity", r"api/identity/"),
        ("database", r"sqlalchemy/"),
        ("FastAPI, Starlette, pydantic", r"fastapi/|starlette/|pydantic"),
        ("uvicorn, httpx, asyncio", r"uvicorn/|httpx/|httpcore/|asyncio/"),
    ],
}

GREETING = "你好"  # bench/locustfile.py's bare Rasa turn (not imported: locust patches the standard library)

FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")


def record(py_spy: str, pid: int, out: Path, rate: int) -> subprocess.Popen[bytes]:
    cmd = [py_spy, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw", "--output", str(out)]
    cmd += ["--subprocesses", "--nonblocking"]  # Sanic may fork a worker; never pause the process
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def read_stacks(path: Path) -> Counter[tuple[str, ...]]:
    """py-spy's raw output: `frame;frame;…;leaf count` per line, outermost frame first."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        head, _, count = line.rpartition(" ")
        if head and count.isdigit():
            stacks[tuple(head.split(";"))] += int(count)
    return stacks


def _short(frame: str) -> str:
    m = FRAME.match(frame)
    if not m:
        return frame
    file = m.group("file")
    for marker in ("site-packages/", "/perf/", "/wt/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{m.group('func')} ({file}:{m.group('line') or ''})"


def report(name: str, stacks: Counter[tuple[str, ...]], rate: int, turns: int, top: int) -> str:
    total = sum(stacks.values())
    lines = [f"== {name}: {total / rate:.2f} CPU s sampled, {total / rate / turns * 1000:.1f} ms per turn"]
    if not total:
        return "\n".join(lines)
    stages: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, count in stacks.items():
        own[_short(stack[-1])] += count
        stage = "other"
        for label, pattern in STAGES.get(name, []):
            if any(re.search(pattern, frame) for frame in stack):
                stage = label
                break
        stages[stage] += count
    lines.append("  stage                                        share   ms/turn")
    for label, count in stages.most_common():
        lines.append(f"  {label:<44} {count / total:6.1%}  {count / rate / turns * 1000:7.2f}")
    lines.append(f"  top {top} functions by own time:")
    for frame, count in own.most_common(top):
        lines.append(f"  {count / total:6.1%}  {frame}")
    return "\n".join(lines)


def cpu_seconds(pid: int) -> float:
    proc = psutil.Process(pid)
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        times = p.cpu_times()
        total += times.user + times.system
    return total


def cpu_per_turn(stack: Stack, turns: int) -> int:
    """CPU ms per turn of each process, and wall p50 / p95, for three kinds of turn, one conversation at a time."""
    run = uuid.uuid4().hex[:8]
    rasa = httpx.Client(base_url=stack.rasa, headers={"Authorization": f"Bearer {stack.rasa_token}"}, timeout=60)
    api = httpx.Client(base_url=stack.api, timeout=60)

    def gateway(sender: str, text: str) -> object:
        return api.post("/v1/chat", json={"sender": sender, "message": text}).json().get("messages")

    def direct(sender: str, text: str) -> object:
        return rasa.post("/webhooks/gateway/webhook", json={"sender": f"web:{sender}", "message": text}).json()

    kinds = {
        "typical, gateway": (gateway, None),
        "typical, straight to Rasa": (direct, None),
        "greeting, straight to Rasa": (direct, GREETING),
    }
    print(f"{turns} turns a row, one conversation at a time (5 turns each); CPU ms per turn by process")
    print(f"  {'turns':<28} {'p50':>6} {'p95':>6}  " + "  ".join(f"{name:>8}" for name in stack.procs))
    for label, (send, fixed) in kinds.items():
        for text in MESSAGES:
            send(f"cpu-{run}-warm", fixed or text)
        before = {name: cpu_seconds(proc.pid) for name, proc in stack.procs.items()}
        latencies = []
        for n in range(turns):
            text = fixed or MESSAGES[n % len(MESSAGES)]
            started = time.perf_counter()
            if not send(f"cpu-{run}-{label[:3]}-{n // 5:04d}", text):
                raise RuntimeError(f"empty reply to {text!r}")
            latencies.append((time.perf_counter() - started) * 1000)
        cpu = {name: (cpu_seconds(proc.pid) - before[name]) * 1000 / turns for name, proc in stack.procs.items()}
        print(
            f"  {label:<28} {percentile(latencies, 50):6.1f} {percentile(latencies, 95):6.1f}  "
            + "  ".join(f"{ms:8.2f}" for ms in cpu.values())
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--py-spy", default=str(Path(sys.executable).with_name("py-spy")))
    parser.add_argument("--keep", type=Path, help="also keep the raw py-spy files in this folder")
    parser.add_argument("--cpu", action="store_true", help="no py-spy: CPU time per turn of each process")
    args = parser.parse_args()
    if args.cpu:
        with tempfile.TemporaryDirectory(prefix="profile-stack-") as tmp, product(Path(tmp)) as stack:
            warm_up(stack)
            return cpu_per_turn(stack, args.turns)
    if not Path(args.py_spy).exists():
        print(f"py-spy not found at {args.py_spy}: see this module's docstring", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="profile-stack-") as tmp, product(Path(tmp)) as stack:
        warm_up(stack)
        run = uuid.uuid4().hex[:8]
        for text in MESSAGES:  # every action and answer path once before sampling
            stack.chat(f"profile-{run}-warm", text)
        outs = {name: Path(tmp) / f"{name}.txt" for name in ("rasa", "actions", "api")}
        spies = {name: record(args.py_spy, stack.procs[name].pid, outs[name], args.rate) for name in outs}
        time.sleep(1.5)  # py-spy attaches
        latencies = []
        started = time.perf_counter()
        for n in range(args.turns):
            sender = f"profile-{run}-{n // 5:04d}"  # conversations of 5 turns, as bench/chat_turn.py
            before = time.perf_counter()
            if not stack.chat(sender, MESSAGES[n % len(MESSAGES)]):
                raise RuntimeError(f"empty reply to {MESSAGES[n % len(MESSAGES)]!r}")
            latencies.append((time.perf_counter() - before) * 1000)
        wall = time.perf_counter() - started
        for spy in spies.values():
            spy.send_signal(signal.SIGINT)
        for name, spy in spies.items():
            _, err = spy.communicate(timeout=60)
            if not outs[name].exists():
                print(f"py-spy on {name} wrote nothing: {err.decode(errors='replace')[-500:]}", file=sys.stderr)
                return 1
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for path in outs.values():
                shutil.copy(path, args.keep / path.name)
        print(
            f"{args.turns} typical turns through the gateway, one conversation at a time, in {wall:.1f} s: "
            f"p50 {percentile(latencies, 50):.0f} ms, p95 {percentile(latencies, 95):.0f} ms (under py-spy)"
        )
        for name, path in outs.items():
            print(report(name, read_stacks(path), args.rate, args.turns, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
