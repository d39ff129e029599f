"""What the scaled-out compose deployment relies on (docs/deployment.md), read from the resolved file."""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.test_deployment import BINARY, ROOT
from tests.test_deployment import SECRETS as REQUIRED_SECRETS

# The Redis password is read back from the resolved URLs below, so it is not the placeholder "x".
SECRETS = {**REQUIRED_SECRETS, "REDIS_PASSWORD": "pw-1"}


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    result = subprocess.run(
        [str(BINARY), "-f", "docker-compose.yml", "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, **SECRETS},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    spec: dict[str, Any] = json.loads(result.stdout)["services"]
    return spec


def test_one_public_entry_point(services: dict[str, Any]) -> None:
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"entry"}
    conf = (ROOT / "docker" / "nginx.conf").read_text()
    assert "resolver 127.0.0.11" in conf and "resolve;" in conf  # scaled replicas join the pool
    assert "ip_hash" not in conf and "sticky" not in conf  # no affinity: any replica serves any request


def test_rasa_tracker_redis_is_the_apis_redis(services: dict[str, Any]) -> None:
    """The gateway's fail-closed check pings REDIS_URL on behalf of Rasa's tracker store."""
    redis_url = urlparse(services["api"]["environment"]["REDIS_URL"])
    rasa = services["rasa"]["environment"]
    assert (rasa["RASA_REDIS_HOST"], int(rasa["RASA_REDIS_PORT"])) == (redis_url.hostname, redis_url.port or 6379)
    assert rasa["RASA_REDIS_DB"] != redis_url.path.lstrip("/")  # separate key spaces
    # …and logs in the same way: the same password, TLS exactly when the API's URL is rediss://.
    assert rasa["RASA_REDIS_PASSWORD"] == redis_url.password == SECRETS["REDIS_PASSWORD"]
    assert rasa["RASA_REDIS_USE_SSL"] == ("true" if redis_url.scheme == "rediss" else "false")
    assert "bot/endpoints.redis.yml" in (ROOT / "docker" / "bot.Dockerfile").read_text()


def test_redis_requires_the_password_everyone_logs_in_with(services: dict[str, Any]) -> None:
    redis = services["redis"]
    assert redis["command"][-2:] == ["--requirepass", SECRETS["REDIS_PASSWORD"]]
    assert redis["environment"]["REDISCLI_AUTH"] == SECRETS["REDIS_PASSWORD"]  # the health check logs in too
    for name in ("api", "worker", "migrate"):
        assert urlparse(services[name]["environment"]["REDIS_URL"]).password == SECRETS["REDIS_PASSWORD"], name
    env = {k: v for k, v in SECRETS.items() if k != "REDIS_PASSWORD"} | {"PATH": os.environ["PATH"]}
    missing = subprocess.run(
        [str(BINARY), "-f", "docker-compose.yml", "config", "-q"], capture_output=True, text=True, env=env, cwd=ROOT
    )
    assert missing.returncode != 0 and "REDIS_PASSWORD" in missing.stderr


def test_the_api_probes_the_action_server_it_shares_with_rasa(services: dict[str, Any]) -> None:
    assert services["api"]["environment"]["ACTION_SERVER_URL"] == services["rasa"]["environment"]["ACTION_SERVER_URL"]
    assert urlparse(services["api"]["environment"]["ACTION_SERVER_URL"]).hostname == "actions"


def test_worker_gets_redis_url_through_the_cli(services: dict[str, Any]) -> None:
    # `arq api.reminders.worker.WorkerSettings` alone would connect to Redis on localhost.
    assert services["worker"]["command"] == ["python", "-m", "api.reminders", "worker"]
    assert urlparse(services["worker"]["environment"]["REDIS_URL"]).hostname == "redis"


@pytest.mark.parametrize("name", ["api", "rasa", "actions", "worker", "entry"])
def test_long_running_services_restart(services: dict[str, Any], name: str) -> None:
    assert services[name].get("restart") == "unless-stopped"


def test_migrations_run_once_before_the_api_and_the_worker(services: dict[str, Any]) -> None:
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "-m", "api", "migrate"]
    assert migrate.get("restart", "no") == "no" and "deploy" not in migrate  # one-shot, one container
    for name in ("api", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # Neither the image's start command nor a service's command migrates on its own.
    cmd = next(line for line in (ROOT / "docker" / "api.Dockerfile").read_text().splitlines() if line.startswith("CMD"))
    assert "migrate" not in cmd and "uvicorn" in cmd
    assert all("migrate" not in " ".join(s.get("command") or []) for n, s in services.items() if n != "migrate")
