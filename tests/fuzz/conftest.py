"""Hostile input: generated requests against every JSON endpoint, the rule engine and the WeChat parser."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: property-based hostile input (bounded example counts)")
