"""Load and validate the knowledge-base entries (entries/*.yaml).

Loading fails loudly (:class:`EntryError`) when an entry does not fit the schema,
an id repeats, a citation names an unknown document, or a quote is not found
verbatim (whitespace aside) in that document's text.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from policy_kb.kb.documents import DocumentSet
from policy_kb.kb.models import Entry

ENTRIES_DIR = Path(__file__).resolve().parent / "entries"


class EntryError(ValueError):
    """An entry file is invalid; the message names the file and the problem."""


def load_entries(documents: DocumentSet, entries_dir: Path = ENTRIES_DIR) -> list[Entry]:
    paths = sorted(entries_dir.glob("*.yaml"))
    if not paths:
        raise EntryError(f"no entries in {entries_dir}")
    entries: list[Entry] = []
    seen: set[str] = set()
    for path in paths:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
            entry = Entry.model_validate(raw)
        except (yaml.YAMLError, ValidationError) as exc:
            raise EntryError(f"{path.name}: {exc}") from exc
        if entry.id in seen:
            raise EntryError(f"{path.name}: id {entry.id!r} used twice")
        seen.add(entry.id)
        check_citations(entry, documents, where=path.name)
        entries.append(entry)
    return entries


def check_citations(entry: Entry, documents: DocumentSet, *, where: str) -> None:
    for statement in entry.all_statements():
        for citation in statement.citations:
            if citation.document not in documents.documents:
                raise EntryError(f"{where}: unknown document {citation.document!r}")
            if not documents.contains_quote(citation.document, citation.quote):
                raise EntryError(
                    f"{where}: quote not found verbatim in {citation.document} {citation.clause}: {citation.quote!r}"
                )
