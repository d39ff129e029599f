"""``python -m policy_kb audit``: every citation of the rule base and the knowledge base, checked.

The loaders already refuse a quote that is not verbatim in its source; this audit goes
through every file on its own and reports all problems at once, with where they are:

- the quote is found verbatim (whitespace ignored) in the document's body, statutes included;
- the document exists in both registries (the rule base's and the knowledge base's);
- a rule of a region's layer cites only that region's chain (its own and parent notices,
  national texts); a KB entry's national answer cites only national texts and names no
  region's figure (``{…@120000}``); a region's variant cites only that region's chain.

Run in CI (scripts/test.sh). Prints one line per problem and a summary; exit 1 on any problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from policy_kb.kb.documents import DocumentSet
from policy_kb.kb.loader import ENTRIES_DIR
from policy_kb.kb.models import PLACEHOLDER
from policy_kb.rulebase import NATIONAL, RULES_DIR, RuleBase, load_rule_base
from policy_kb.sources import load_documents, quote_found


@dataclass(frozen=True)
class Problem:
    where: str
    message: str


@dataclass(frozen=True)
class _Cited:
    where: str
    document: str
    clause: str
    quote: str
    speaks_for: str  # the region whose rules the citing text states ("CN": national)


def _citations(node: Any, where: str, speaks_for: str) -> Iterator[_Cited]:
    if isinstance(node, dict):
        if "document" in node and "quote" in node:
            yield _Cited(where, str(node["document"]), str(node.get("clause", "")), str(node["quote"]), speaks_for)
        for key, value in node.items():
            yield from _citations(value, f"{where}.{key}", speaks_for)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _citations(value, f"{where}[{i}]", speaks_for)


def _rule_citations(rules_dir: Path) -> Iterator[_Cited]:
    for path in sorted(rules_dir.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from _citations(raw.get("rules", {}), path.name, str(raw["code"]))


def _entry_citations(entries_dir: Path) -> Iterator[tuple[str, _Cited | None, str]]:
    """(where, citation or None, statement text) for every statement of every entry."""
    for path in sorted(entries_dir.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        blocks = [("CN", "answer", raw.get("answer") or [])]
        blocks += [(str(code), f"variants.{code}", s) for code, s in (raw.get("variants") or {}).items()]
        for region, label, statements in blocks:
            for i, statement in enumerate(statements):
                where = f"{path.name}:{label}[{i}]"
                cited = list(_citations(statement.get("citations") or [], where, region))
                for c in cited:
                    yield where, c, ""
                yield where, None, str(statement.get("text", "")) + "\x00" + region


def audit(rules_dir: Path = RULES_DIR, entries_dir: Path = ENTRIES_DIR) -> tuple[int, list[Problem]]:
    """(number of citations checked, problems found)."""
    rule_base: RuleBase = load_rule_base(rules_dir)
    registry = load_documents()
    kb_docs = DocumentSet()
    region_of = {name: doc.region for name, doc in kb_docs.documents.items()}
    problems: list[Problem] = []
    checked = 0

    def allowed(speaks_for: str) -> set[str]:
        return {layer.code for layer in rule_base.chain(speaks_for)} | {NATIONAL}

    def check(c: _Cited) -> None:
        nonlocal checked
        checked += 1
        doc = registry.get(c.document)
        if doc is None:
            problems.append(Problem(c.where, f"unknown document {c.document!r}"))
            return
        if not quote_found(doc, c.quote):
            problems.append(Problem(c.where, f"quote not verbatim in {c.document} {c.clause}: {c.quote[:40]}…"))
        region = region_of.get(c.document)
        if region is None:
            problems.append(Problem(c.where, f"{c.document} missing from policy_kb/kb/documents.yaml"))
        elif region not in allowed(c.speaks_for):
            problems.append(
                Problem(c.where, f"{c.speaks_for} text cites {c.document} ({region}): another region's rule")
            )

    for rule_cited in _rule_citations(rules_dir):
        check(rule_cited)
    for where, cited, text in _entry_citations(entries_dir):
        if cited is not None:
            check(cited)
            continue
        statement, region = text.split("\x00")
        for match in PLACEHOLDER.finditer(statement):
            named = match.group("region")
            if named and named not in allowed(region):
                problems.append(Problem(where, f"{region} text states {named}'s figure {match.group(0)}"))
    return checked, problems


def run() -> int:
    checked, problems = audit()
    for problem in problems:
        print(f"{problem.where}: {problem.message}")
    if problems:
        print(f"引用审核未通过：{len(problems)} 处问题（共检查 {checked} 条引用）")
        return 1
    print(f"引用审核通过：{checked} 条引用均逐字见于原文，且只引用本地区与国家的文件")
    return 0
