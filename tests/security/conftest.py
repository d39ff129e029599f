"""Security checks: who may call what, who may read whose claim, what reaches the logs."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "security: access control, isolation and personal-data checks")
