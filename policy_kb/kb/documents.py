"""The cited documents, their texts in policy_kb/sources/, and their clauses.

A notice's body is cut into clauses by its headings: "一、" (or "4、" where the
text prints Arabic numbers), then "（一）"/"(一)". A sub-clause runs until its
paragraph ends with "。" (the texts are hard-wrapped mid-sentence); a paragraph
that follows it without a heading of its own belongs to the enclosing clause
(Tianjin's 二 after its list of stop events). Labels read like the citations in
the rule inventory: "一", "一（二）"; Shandong numbers its sub-clauses on across
sections, so "二（四）".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

SOURCES_DIR = Path(__file__).resolve().parent.parent / "sources"
DOCUMENTS_PATH = Path(__file__).resolve().parent / "documents.yaml"

_CN_DIGITS = "一二三四五六七八九十"
_TOP = re.compile(r"^\s*([一二三四五六七八九十]+|\d+)\s*、\s*")
_SUB = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]+)\s*[）)]\s*")
_WS = re.compile(r"\s+")


class SourceError(ValueError):
    """A source text is missing or a document's markers are not found in it."""


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str
    short: str
    region: str
    source: str
    start: str | None = None
    end: str | None = None
    clauses: bool = False


@dataclass(frozen=True)
class Clause:
    document: Document
    label: str
    heading: str
    text: str
    section: str = ""  # the enclosing section's heading, for a sub-clause

    @property
    def id(self) -> str:
        return f"clause:{self.document.key}:{self.label}"

    @property
    def region(self) -> str:
        return self.document.region


def squash(text: str) -> str:
    """Text without any whitespace: how quotes are compared with hard-wrapped sources."""
    return _WS.sub("", text)


def _cn_number(label: str) -> str:
    if label.isdigit():
        number = int(label)
        if not 1 <= number <= 10:
            raise SourceError(f"clause number {label} out of range")
        return _CN_DIGITS[number - 1]
    return label


class DocumentSet:
    """Every cited document with its body text; clauses of the notices."""

    def __init__(self, sources_dir: Path = SOURCES_DIR, registry_path: Path = DOCUMENTS_PATH) -> None:
        raw = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
        self.documents: dict[str, Document] = {}
        self._bodies: dict[str, str] = {}
        self._squashed: dict[str, str] = {}
        for item in raw:
            doc = Document.model_validate(item)
            if doc.name in self.documents:
                raise SourceError(f"document {doc.name} listed twice")
            self.documents[doc.name] = doc
            body = _body(sources_dir / doc.source, doc)
            self._bodies[doc.name] = body
            self._squashed[doc.name] = squash(body)
        self.clauses: list[Clause] = [
            clause
            for doc in self.documents.values()
            if doc.clauses
            for clause in split_clauses(doc, self._bodies[doc.name])
        ]

    def by_key(self, key: str) -> Document:
        for doc in self.documents.values():
            if doc.key == key:
                return doc
        raise KeyError(key)

    def contains_quote(self, document: str, quote: str) -> bool:
        """Whether `quote` is verbatim in `document`'s body (whitespace ignored: the sources are hard-wrapped)."""
        body = self._squashed.get(document)
        return body is not None and bool(squash(quote)) and squash(quote) in body

    def short_name(self, document: str) -> str:
        doc = self.documents.get(document)
        return doc.short if doc else document


def _body(path: Path, doc: Document) -> str:
    if not path.is_file():
        raise SourceError(f"source text {path} of {doc.name} not found")
    text = path.read_text(encoding="utf-8")
    start = 0
    if doc.start is not None:
        start = text.find(doc.start)
        if start < 0:
            raise SourceError(f"{doc.name}: start marker not found in {path.name}")
    end = len(text)
    if doc.end is not None:
        end = text.find(doc.end, start)
        if end < 0:
            raise SourceError(f"{doc.name}: end marker not found in {path.name}")
    return text[start:end]


def split_clauses(doc: Document, body: str) -> list[Clause]:
    """The clauses of a notice body, in order (text before the first heading is left out)."""
    parts: list[tuple[str, str, list[str]]] = []  # (label, heading, lines)
    top: str | None = None
    in_sub_paragraph = False
    for raw_line in body.splitlines():
        line = raw_line.strip()
        if not line:
            continue
        top_match = _TOP.match(line)
        sub_match = _SUB.match(line)
        if top_match:
            top = _cn_number(top_match.group(1))
            parts.append((top, line, [line[top_match.end() :]]))
            in_sub_paragraph = False
        elif sub_match and top is not None:
            parts.append((f"{top}（{sub_match.group(1)}）", line, [line[sub_match.end() :]]))
            in_sub_paragraph = not line.endswith("。")
        elif parts:
            label, _, lines = parts[-1]
            if "（" in label and not in_sub_paragraph and top is not None:
                # A new paragraph after a finished sub-clause belongs to the section.
                parts.append((top, "", [line]))
            else:
                lines.append(line)
            in_sub_paragraph = "（" in parts[-1][0] and not line.endswith("。")
    merged: dict[str, tuple[str, list[str]]] = {}
    for label, heading, lines in parts:
        if label in merged:
            merged[label][1].extend(lines)
        else:
            merged[label] = (heading, list(lines))
    clauses: list[Clause] = []
    for label, (heading, lines) in merged.items():
        text = "".join(lines)
        has_subs = any(other.startswith(f"{label}（") for other in merged)
        if has_subs and len(text) <= len(heading):
            continue  # a section heading whose content is all in its sub-clauses
        section = ""
        if "（" in label:
            section = _heading(merged[label.split("（", 1)[0]][0])
        clauses.append(Clause(document=doc, label=label, heading=_heading(heading), text=text, section=section))
    return clauses


def _heading(line: str) -> str:
    """A clause's short title: the heading line up to its first full stop."""
    for mark in ("。", "，"):
        if mark in line:
            return line.split(mark, 1)[0]
    return line[:30]
