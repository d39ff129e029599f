"""Security checks: who may call what, who may read whose claim, what reaches the logs."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from tests.e2e.stack import BOT_BIN, MODEL, ROOT, Stack
from tests.security.private_db import private_db_url  # noqa: F401 - a fixture


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "security: access control, isolation and personal-data checks")


class InfoLogStack(Stack):
    """The stack with the API logging at INFO, as deployed (access log included), so the log test
    greps everything production would write."""

    def start_api(self) -> None:
        for command in ("migrate", "seed"):
            subprocess.run([sys.executable, "-m", "api", command], cwd=ROOT, env=self.env(), check=True,
                           capture_output=True)
        self._spawn("api", [sys.executable, "-m", "uvicorn", "api.main:app", "--port", str(self.api_port),
                            "--log-level", "info"])


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """API + action server + Rasa with the trained model, shared by the end-to-end security tests."""
    if not MODEL.exists() or not (BOT_BIN / "rasa").exists():
        pytest.fail("the dialogue model is not trained: run scripts/train.sh (make test does)")
    s = InfoLogStack(workdir=tmp_path_factory.mktemp("secstack"))
    try:
        s.start_api()
        s.start_actions()
        s.start_rasa()
        s.wait_ready()
        yield s
    finally:
        s.stop_all()
