"""Composing replies for a phone screen: fixed text from the domain, facts from the services.

Fixed wording stays in the domain's utter_* responses; an action that needs it inside
a longer message reads it with `response_text`. Citations go at the end, once each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_CITATIONS = 3


def response_text(domain: dict[str, Any], name: str, **values: Any) -> str:
    """The first text of response `name`, with {placeholders} filled."""
    variants = (domain.get("responses") or {}).get(name) or []
    text = str(variants[0].get("text", "")) if variants else ""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def cite(citations: Iterable[dict[str, Any]]) -> str:
    """ "（依据：渝人社办〔2025〕112号 一（四）；《失业保险条例》第十七条）" — at most three, no repeats."""
    seen: list[str] = []
    for citation in citations:
        document = str(citation.get("document") or "").strip()
        if not document:
            continue
        label = f"{document} {citation.get('clause') or ''}".strip()
        if label not in seen:
            seen.append(label)
    if not seen:
        return ""
    return "（依据：" + "；".join(seen[:MAX_CITATIONS]) + "）"


def with_citations(lines: Iterable[str], citations: Iterable[dict[str, Any]]) -> str:
    body = "\n".join(line.strip() for line in lines if line and line.strip())
    return body + cite(citations)
