"""The texts citations are checked against (copies kept in ``policy_kb/sources``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

SOURCES_DIR = Path(__file__).resolve().parent / "sources"

_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Remove every kind of whitespace (incl. full-width spaces and line breaks)."""
    return _WHITESPACE.sub("", text)


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str
    title: str
    issued: date


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: dict[str, DocumentEntry]


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    issued: date
    source: str
    text: str  # whitespace-normalised


class SourceError(ValueError):
    """The document registry or a source text is broken."""


def load_documents(sources_dir: Path | None = None) -> dict[str, Document]:
    """Read ``documents.yaml`` and the normalised text of every source file it names."""
    base = sources_dir or SOURCES_DIR
    registry_path = base / "documents.yaml"
    try:
        raw = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
        registry = _Registry.model_validate(raw)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise SourceError(f"{registry_path}: {exc}") from exc
    texts: dict[str, str] = {}
    docs: dict[str, Document] = {}
    for key, entry in registry.documents.items():
        if entry.source not in texts:
            path = base / entry.source
            try:
                texts[entry.source] = normalise(path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise SourceError(f"document {key!r}: source file {path} unreadable: {exc}") from exc
        docs[key] = Document(key, entry.title, entry.issued, entry.source, texts[entry.source])
    return docs


def quote_found(document: Document, quote: str) -> bool:
    """True if `quote` occurs in the document, comparing with whitespace removed."""
    needle = normalise(quote)
    return bool(needle) and needle in document.text
