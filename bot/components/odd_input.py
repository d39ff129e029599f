"""Messages no intent classifier should guess at: emoji or symbols only, or English.

DIET gives some intent to anything ("😀😀" came out as affirm at 0.52, "asdfgh"
as affirm too). After the FallbackClassifier, this component marks such messages
as `nlu_fallback` with full confidence, so the fallback action answers them
helpfully (a nudge, or a bilingual note). Latin-only messages are left to DIET
only when every word is one people really use here ("hi", "ok", "bye", "APP").
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

FALLBACK_INTENT = "nlu_fallback"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# What the gateway puts in place of an ID number or a code (api/identity/handles.py): not English.
_HANDLE = re.compile(r"(?:idref|coderef)_[a-z]{12}")
# Latin words that are real messages here (greetings, yes/no, thanks, abbreviations).
KNOWN_LATIN = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "ok",
        "okay",
        "yes",
        "no",
        "bye",
        "byebye",
        "thx",
        "thanks",
        "thank",
        "you",
        "app",
        "wx",
        "sy",
        "sb",
        "sms",
        "pc",
    ]
)


def is_odd(text: str) -> bool:
    """Emoji/symbols only, or Latin words without Chinese that are not all known short replies."""
    if _HANDLE.search(text):
        return False  # an ID number or a code, whatever surrounds it
    if not text.strip():
        return False
    if not any(unicodedata.category(c)[0] in "LN" for c in text):
        return True
    if _CJK.search(text):
        return False
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    return bool(words) and (len(words) >= 3 or any(w not in KNOWN_LATIN for w in words))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class OddInputClassifier(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OddInputClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not is_odd(str(message.get(TEXT) or "")):
                continue
            message.data[INTENT] = {"name": FALLBACK_INTENT, "confidence": 1.0}
            ranking = message.data.get(INTENT_RANKING_KEY) or []
            message.data[INTENT_RANKING_KEY] = [message.data[INTENT], *ranking]
        return messages
