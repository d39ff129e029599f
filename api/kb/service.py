"""Knowledge-base search and operator suggestions: validate, pick the region, rank, shape.

The policy (entries, regional variants, retrieval) lives in policy_kb.kb; this
module only turns requests into calls and results into response bodies.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from api.answers import service as answers
from api.claims import service as claims
from api.kb.errors import EmptyQuery
from api.kb.schemas import (
    KbResult,
    KbSearchOut,
    RegionRef,
    Suggestion,
    SuggestionSource,
    SuggestionsOut,
)
from api.policy.regions import given_region
from policy_kb import ResolvedRegion, RuleBase
from policy_kb.kb import Hit, KnowledgeBase


def search(*, kb: KnowledgeBase, q: str, region: str | None, limit: int, on: date) -> KbSearchOut:
    query = _question(q, field="q")
    resolved = _region_used(kb=kb, text=query, region=region)
    hits = kb.search(query, region, limit, on=on)
    return KbSearchOut(query=query, region=resolved, results=[_result(hit) for hit in hits])


def suggestions(
    *,
    kb: KnowledgeBase,
    session: Session,
    rule_base: RuleBase,
    settings: Any,
    text: str,
    region: str | None,
    claim_id: int | None,
    on: date,
) -> SuggestionsOut:
    query = _question(text, field="text")
    claim_status: dict[str, Any] | None = None
    if claim_id is not None:
        status = claims.get_status(
            session=session, claim_id=claim_id, as_of=on, rule_base=rule_base, config=claims.config_from(settings)
        )
        claim_status = status.model_dump(mode="json")
    # The same answer path as the claimant's: the selected region's and national text only,
    # and "not sure" rather than the nearest entry.
    answered = answers.answer(kb=kb, rule_base=rule_base, message=query, region=region, on=on, audience="operator")
    suggestions = []
    if not answered.abstained and answered.topic is not None:
        suggestions.append(
            Suggestion(
                reply=answered.reply,
                score=answered.confidence,
                title=answered.title,
                source=SuggestionSource(kind="entry", id=answered.topic, citations=answered.citations),
            )
        )
    return SuggestionsOut(
        suggestions=suggestions,
        region=answered.region,
        claim_status=claim_status,
        abstained=answered.abstained,
        note=answered.reply if answered.abstained else None,
    )


def _question(text: str, *, field: str) -> str:
    query = text.strip()
    if not query:
        raise EmptyQuery(field)
    return query


def _region_used(*, kb: KnowledgeBase, text: str, region: str | None) -> RegionRef:
    """The region the answer follows (a place named in the text wins); an unknown `region` is a 422."""
    given_region(region=region)  # only to refuse a blank or unknown one; the text may name another place
    used: ResolvedRegion | None = kb.region_for(text, region)
    return RegionRef.of(used)


def _result(hit: Hit) -> KbResult:
    return KbResult(
        kind=hit.kind,
        id=hit.entry_id,
        title=hit.title,
        score=hit.score,
        answer=hit.answer_text,
        body=hit.body,
        citations=hit.citations,
        region_used=hit.region_used,
        national_fallback=hit.national_fallback,
    )
