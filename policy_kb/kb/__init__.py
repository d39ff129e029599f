"""Knowledge base of claimant and operator questions: entries by region, with citations.

    kb = KnowledgeBase.load()                  # once, at start-up (about a second)
    kb.search("重庆失业金审核要几天", None, 5)  # ranked entries and clauses
    kb.answer("领失业金期间医保怎么办", "120000")  # best entry, or None when not understood

`default_knowledge_base()` shares one instance per process for the packaged rule base.
"""

from __future__ import annotations

from functools import lru_cache

from policy_kb.kb.documents import DocumentSet, SourceError
from policy_kb.kb.loader import EntryError, load_entries
from policy_kb.kb.models import Entry, Statement
from policy_kb.kb.render import RenderError
from policy_kb.kb.search import LOCAL_NOTE, Answer, Hit, KnowledgeBase
from policy_kb.rulebase import RuleBase, default_rule_base


@lru_cache(maxsize=2)
def knowledge_base_for(rule_base: RuleBase) -> KnowledgeBase:
    """One knowledge base per rule base, built on first use and kept for the process."""
    return KnowledgeBase.load(rule_base=rule_base)


def default_knowledge_base() -> KnowledgeBase:
    return knowledge_base_for(default_rule_base())


__all__ = [
    "LOCAL_NOTE",
    "Answer",
    "DocumentSet",
    "Entry",
    "EntryError",
    "Hit",
    "KnowledgeBase",
    "RenderError",
    "SourceError",
    "Statement",
    "default_knowledge_base",
    "knowledge_base_for",
    "load_entries",
]
