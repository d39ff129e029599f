"""Jieba tokenizer for claimants' messages: domain words, no whitespace tokens.

Rasa 3.6's JiebaTokenizer has two problems here:

- jieba emits whitespace as tokens on mixed Chinese/Latin text ("我的 APP 登录不了"),
  which gives DIET empty features and can misalign entities (RasaHQ/rasa#7910);
- its custom dictionary is a directory of files loaded into jieba's *global*
  tokenizer, while the project keeps one dictionary file (policy_kb/kb/dictionary.txt,
  shared with the knowledge base's retrieval).

This component loads that file (if present; otherwise it carries on with jieba's
own dictionary and says so in the log), adds the words of the training data's
lookup tables (region names, so "沈阳" or "滨海新区" is one token and entity
boundaries fall on token boundaries), keeps everything in its own jieba
instance, stores the words in the model (a trained model needs no project files)
and reads traditional characters as simplified ones, character by character, so
token offsets still point into the original text.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

WORDS_FILE = "words.txt"
LOOKUP_WORD_FREQ = 50000
_TOKENIZERS: dict[str, Any] = {}  # one jieba instance per word list, shared by loads


def _simplified_char(char: str, cache: dict[str, str] = {}) -> str:  # noqa: B006 - a deliberate memo
    """The simplified form of one character, or the character itself (offsets must not move)."""
    if char not in cache:
        try:
            import zhconv

            converted = zhconv.convert(char, "zh-cn")
        except ImportError:  # the converter is optional: traditional text is then read as typed
            converted = char
        cache[char] = converted if len(converted) == 1 else char
    return cache[char]


def to_simplified(text: str) -> str:
    """Same length as `text`: each traditional character replaced by its simplified form."""
    return "".join(_simplified_char(c) if ord(c) > 0x2E80 else c for c in text)


def read_dictionary(path: Path) -> list[str]:
    """Lines of a jieba dictionary file (`word [freq] [tag]`); missing file → no lines."""
    if not path.is_file():
        logger.warning("jieba domain dictionary %s not found; using jieba's own dictionary only", path)
        return []
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def _jieba_for(lines: list[str]) -> Any:
    import jieba

    key = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    if key not in _TOKENIZERS:
        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for line in lines:
            parts = line.split()
            word = parts[0]
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[2] if len(parts) > 2 else None
            tokenizer.add_word(word, freq, tag)
        _TOKENIZERS[key] = tokenizer
    return _TOKENIZERS[key]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class DomainJiebaTokenizer(JiebaTokenizer):
    """JiebaTokenizer with the project's dictionary file and lookup words, minus whitespace tokens."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **JiebaTokenizer.get_default_config(),
            # One jieba dictionary file, relative to the working directory of `rasa train`.
            "dictionary_file": "policy_kb/kb/dictionary.txt",
            # Add every lookup-table entry of the training data as a word.
            "lookup_tables_as_words": True,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        words: list[str] | None = None,
    ) -> None:
        super().__init__(config, model_storage, resource)
        self._words = words or []
        self._jieba = _jieba_for(self._words)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DomainJiebaTokenizer:
        words = read_dictionary(Path(config["dictionary_file"])) if config.get("dictionary_file") else []
        return cls(config, model_storage, resource, words)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DomainJiebaTokenizer:
        try:
            with model_storage.read_from(resource) as directory:
                words = read_dictionary(Path(directory) / WORDS_FILE)
        except ValueError:  # not trained (e.g. `rasa shell nlu` on a bare config)
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, words)

    def train(self, training_data: TrainingData) -> Resource:
        words = list(self._words)
        if self._config.get("lookup_tables_as_words", True):
            for table in training_data.lookup_tables:
                elements = table.get("elements")
                if isinstance(elements, list):
                    words += [f"{e.strip()} {LOOKUP_WORD_FREQ}" for e in elements if e.strip()]
        self._words = words
        self._jieba = _jieba_for(words)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            (Path(directory) / WORDS_FILE).write_text("\n".join(self._words) + "\n", encoding="utf-8")

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute)
        simplified = to_simplified(text)
        tokens = [Token(word, start) for word, start, _end in self._jieba.tokenize(simplified) if word.strip()]
        return self._apply_token_pattern(tokens)
