"""Security checks: who may call what, who may read whose claim, what reaches the logs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.stack import Stack
from tests.api.staff.fixtures import make_staff, staff_client  # noqa: F401 - fixtures
from tests.security.private_db import private_db_url  # noqa: F401 - a fixture


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "security: access control, isolation and personal-data checks")


@pytest.fixture(scope="session")
def product(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """API + action server + Rasa with the trained model, shared by the end-to-end security tests.

    The API logs at INFO, as deployed (access log included), so the log test greps everything
    production would write. Requests from loopback count as from a trusted proxy, so a test can
    speak for several client addresses (X-Forwarded-For) as nginx would."""
    stack = Stack(
        workdir=tmp_path_factory.mktemp("secstack"),
        api_log_level="info",
        env_overrides={"TRUSTED_PROXIES": "127.0.0.1"},
    )
    with stack.running() as s:
        yield s
