"""The bot's custom NLU components (bot/components), run as Rasa runs them.

The tokenizer must not emit whitespace tokens on mixed Chinese/Latin text
(RasaHQ/rasa#7910), must keep offsets pointing into the original text (also for
traditional characters) and must put token boundaries on entity boundaries, so
that entity annotations and extraction stay aligned.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from components.domain_tokenizer import DomainJiebaTokenizer, to_simplified
from components.odd_input import OddInputClassifier, is_odd
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

MIXED = ["我的APP登录不了", "我的 APP 登录不了", "在 12333 APP 上 怎么 签到", "wx上能领失业金吗"]


def _tokenizer(tmp_path: Path, dictionary: Path | None) -> DomainJiebaTokenizer:
    (tmp_path / "storage").mkdir(exist_ok=True)
    storage = LocalModelStorage(tmp_path / "storage")
    config = {**DomainJiebaTokenizer.get_default_config(), "dictionary_file": str(dictionary) if dictionary else None}
    context = ExecutionContext(GraphSchema({}), "test")
    return DomainJiebaTokenizer.create(config, storage, Resource("tokenizer"), context)


@pytest.fixture
def dictionary(tmp_path: Path) -> Path:
    path = tmp_path / "dictionary.txt"
    path.write_text("按月申领 20000 v\n资格核验 20000 v\n失业保险金 20000 n\n", encoding="utf-8")
    return path


def _training_data() -> TrainingData:
    examples = [
        Message(
            data={
                TEXT: "我在沈阳APP上办的",
                INTENT: "inform_region",
                ENTITIES: [{"start": 2, "end": 4, "value": "沈阳", "entity": "region"}],
            }
        ),
        Message(
            data={
                TEXT: "我在 滨海新区 用APP签到",
                INTENT: "inform_region",
                ENTITIES: [{"start": 3, "end": 7, "value": "滨海新区", "entity": "region"}],
            }
        ),
        Message(
            data={
                TEXT: "巴彦淖尔APP怎么办按月申领",
                INTENT: "ask_policy",
                ENTITIES: [{"start": 0, "end": 4, "value": "巴彦淖尔", "entity": "region"}],
            }
        ),
    ]
    return TrainingData(
        training_examples=examples,
        lookup_tables=[{"name": "region", "elements": ["沈阳", "滨海新区", "巴彦淖尔"]}],
    )


@pytest.mark.parametrize("text", MIXED)
def test_no_whitespace_tokens_and_offsets_point_into_the_text(tmp_path: Path, dictionary: Path, text: str) -> None:
    tokenizer = _tokenizer(tmp_path, dictionary)
    tokens = tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
    assert tokens, text
    assert all(t.text.strip() == t.text and t.text for t in tokens)
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_domain_dictionary_words_stay_whole(tmp_path: Path, dictionary: Path) -> None:
    tokenizer = _tokenizer(tmp_path, dictionary)
    words = [t.text for t in tokenizer.tokenize(Message(data={TEXT: "这个月的按月申领和资格核验"}), TEXT)]
    assert "按月申领" in words and "资格核验" in words


def test_traditional_characters_are_read_as_simplified_with_the_same_offsets(tmp_path: Path, dictionary: Path) -> None:
    text = "請問失業保險金怎麼按月申領"
    assert len(to_simplified(text)) == len(text)
    tokens = _tokenizer(tmp_path, dictionary).tokenize(Message(data={TEXT: text}), TEXT)
    assert "失业保险金" in [t.text for t in tokens]
    assert "".join(t.text for t in tokens) == to_simplified(text)
    assert all(to_simplified(text[t.start : t.end]) == t.text for t in tokens)


def test_missing_dictionary_is_logged_and_tolerated(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        tokenizer = _tokenizer(tmp_path, tmp_path / "absent.txt")
    assert "not found" in caplog.text
    assert [t.text for t in tokenizer.tokenize(Message(data={TEXT: "我的APP登录不了"}), TEXT)]


def test_trained_tokenizer_aligns_entities_and_survives_a_reload(tmp_path: Path, dictionary: Path) -> None:
    tokenizer = _tokenizer(tmp_path, dictionary)
    data = _training_data()
    resource = tokenizer.train(data)
    tokenizer.process_training_data(data)
    for example in data.training_examples:
        tokens = example.get(TOKENS_NAMES[TEXT])
        starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
        assert all(" " not in t.text and t.text for t in tokens)
        for entity in example.get(ENTITIES):
            assert entity["start"] in starts and entity["end"] in ends, (example.get(TEXT), entity)

    # The model carries its words: a reload needs neither the dictionary file nor the data.
    dictionary.unlink()
    context = ExecutionContext(GraphSchema({}), "test")
    loaded = DomainJiebaTokenizer.load(tokenizer._config, tokenizer._model_storage, resource, context)
    words = [t.text for t in loaded.tokenize(Message(data={TEXT: "巴彦淖尔的按月申领"}), TEXT)]
    assert words[:1] == ["巴彦淖尔"] and "按月申领" in words


@pytest.mark.parametrize(
    ("text", "odd"),
    [
        ("😀😀", True),
        ("👍", True),
        ("？？", True),
        ("How do I apply for benefits", True),
        ("hello", False),
        ("ok", False),
        ("OK", False),
        ("thank you", False),
        ("asdfgh", True),
        ("886", False),
        ("我的APP登录不了", False),
        ("12333", False),
        ("", False),
    ],
)
def test_odd_input_is_marked_as_fallback(text: str, odd: bool) -> None:
    assert is_odd(text) is odd
    message = Message(data={TEXT: text, INTENT: {"name": "affirm", "confidence": 0.52}})
    OddInputClassifier().process([message])
    assert (message.get(INTENT)["name"] == "nlu_fallback") is odd
