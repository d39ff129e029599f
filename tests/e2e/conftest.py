from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.stack import BOT_BIN, MODEL, Stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The whole product running: API + action server + Rasa with the trained model."""
    if not MODEL.exists() or not (BOT_BIN / "rasa").exists():
        pytest.fail("the dialogue model is not trained: run scripts/train.sh (make test does)")
    s = Stack(workdir=tmp_path_factory.mktemp("stack"))
    try:
        s.start_api()
        s.start_actions()
        s.start_rasa()
        s.wait_ready()
        yield s
    finally:
        s.stop_all()
