"""Copies of policy_kb's vocabularies outside it stay equal to the original.

The action server (actions/, in the Rasa environment) does not ship policy_kb and
talks to the API over HTTP only, so actions/checkin.py keeps its own tuple of the
check-in's stop-event questions; it is read here from the source (no Rasa needed).
"""

from __future__ import annotations

import ast
from pathlib import Path

from api.claims.schemas import CheckinAnswers
from policy_kb.vocab import CHECKIN_ANSWER_NAMES_ZH, CheckinAnswer

ROOT = Path(__file__).resolve().parents[2]


def _literal(path: Path, name: str) -> object:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{name} not found in {path}")


def test_actions_stop_events_are_the_checkin_answers_in_order() -> None:
    # Order matters: the bot's question numbers the events 1-6 in this order.
    assert _literal(ROOT / "actions" / "checkin.py", "STOP_EVENTS") == tuple(a.value for a in CheckinAnswer)


def test_api_checkin_answers_are_the_vocabulary() -> None:
    assert list(CheckinAnswers.model_fields) == [a.value for a in CheckinAnswer]


def test_every_checkin_answer_has_a_chinese_name() -> None:
    assert set(CHECKIN_ANSWER_NAMES_ZH) == set(CheckinAnswer)
