"""The knowledge base, built once at start-up from the app's rule base and shared by every request."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from policy_kb import default_rule_base
from policy_kb.kb import KnowledgeBase, knowledge_base_for

log = logging.getLogger(__name__)


def load_knowledge_base_on_startup(app: FastAPI) -> None:
    """Start-up hook (after the rule base): validate the entries and build the indexes."""
    rules = getattr(app.state, "rule_base", None) or default_rule_base()
    kb = knowledge_base_for(rules)
    app.state.knowledge_base = kb
    log.info("knowledge base ready: %d entries, %d clauses", len(kb.entries), len(kb.documents.clauses))


async def get_knowledge_base(request: Request) -> KnowledgeBase:
    """Async on purpose: a sync dependency would cost a thread-pool hop on every request."""
    kb: KnowledgeBase | None = getattr(request.app.state, "knowledge_base", None)
    if kb is None:
        rules = getattr(request.app.state, "rule_base", None) or default_rule_base()
        kb = knowledge_base_for(rules)
    return kb


KnowledgeBaseDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
