"""Fixtures the API's test folders share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.fake_rasa import FakeRasa


@pytest.fixture
def rasa() -> Iterator[FakeRasa]:
    """A stand-in for Rasa's gateway channel on a free loopback port (see devtools/fake_rasa.py)."""
    with FakeRasa() as fake:
        yield fake
