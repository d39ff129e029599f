from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from policy_kb.kb import KnowledgeBase, default_knowledge_base

ROOT = Path(__file__).resolve().parents[3]
QUESTIONS_DIR = ROOT / "data" / "kb_questions"
# A date on which every regional notice is in force (Tianjin's runs 2026-01-01 to 2028-12-31).
ON = date(2026, 11, 21)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return default_knowledge_base()


@pytest.fixture(scope="session")
def on() -> date:
    return ON


def load_questions(split: str) -> list[dict[str, str | None]]:
    raw = yaml.safe_load((QUESTIONS_DIR / f"{split}.yaml").read_text(encoding="utf-8"))
    questions: list[dict[str, str | None]] = raw["questions"]
    return questions
