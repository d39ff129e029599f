"""Hostile input: generated requests against every JSON endpoint, the rule engine and the WeChat parser."""

from __future__ import annotations

import pytest

from tests.security.private_db import private_db_url  # noqa: F401 - a fixture


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: property-based hostile input (bounded example counts)")
