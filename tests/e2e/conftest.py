from __future__ import annotations

from collections.abc import Iterator

import pytest

from devtools.stack import Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole product running: API + action server + Rasa with the trained model."""
    with Stack(workdir=tmp_path_factory.mktemp("stack")).running() as s:
        yield s
