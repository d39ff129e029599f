"""The answer to one message: region, the person's facts, the decision, the rendered reply.

Composition only; the policy is in policy_kb (regions, facts, the engine's personal
lines, the knowledge base and its answer-or-abstain decision):

1. the region: a place named in the message wins over the given one (a claimant
   writes "我在大连…"); for an operator the region they selected wins;
2. the facts: what the message says about the person, completed by the known facts;
3. the decision on the message's question (a story is clipped to its last question);
4. answered: the person's computed lines first, then the entry's answer for the
   region and date, the local-rules note, the citations on a line of their own;
   abstained: "not sure", 12333, the local office and 转人工, no citation.
"""

from __future__ import annotations

from datetime import date

from api.answers.errors import EmptyQuestion
from api.answers.schemas import AnswerOut, Audience, Candidate, Computed, Suggestion
from api.kb.schemas import RegionRef
from api.policy.regions import given_region
from policy_kb import ResolvedRegion, RuleBase
from policy_kb.kb import KnowledgeBase
from policy_kb.kb.abstain import abstention_reply, suggested_topics
from policy_kb.kb.decide import question_to_decide
from policy_kb.kb.facts import Facts, understand
from policy_kb.kb.personal import personal_lines
from policy_kb.kb.search import LOCAL_NOTE


def answer(
    *,
    kb: KnowledgeBase,
    rule_base: RuleBase,
    message: str,
    region: str | None,
    on: date,
    known_facts: dict[str, object] | None = None,
    audience: Audience = "claimant",
) -> AnswerOut:
    text = " ".join(message.split())
    if not text:
        raise EmptyQuestion()
    resolved = _region(kb=kb, message=text, region=region, audience=audience)
    facts = understand(text, on, known_facts)
    # A story: its last question, with the story's gist.
    question = question_to_decide(text, facts.leaving_reason, places=facts.contribution_places)
    code = resolved.code if resolved is not None else None
    decision, _ = kb.decide(question, code, on=on)
    region_ref = RegionRef.of(resolved)
    candidates = [Candidate(topic=topic, score=score) for topic, score in decision.candidates]
    base = {
        "confidence": decision.confidence,
        "reason": decision.reason,
        "region": region_ref,
        "facts": facts.as_dict(),
        "candidates": candidates,
    }
    if decision.entry_id is None:
        near = suggested_topics(decision.reason, decision.candidates, kb.decider.thresholds.min_score)
        suggestions = [Suggestion(topic=topic, title=kb.entry(topic).title) for topic in near]
        reply = abstention_reply(
            region_ref.code, operator=audience == "operator", suggested=[s.title for s in suggestions]
        )
        return AnswerOut(
            reply=reply, abstained=True, topic=None, citations=[], computed=[], suggestions=suggestions, **base
        )

    hit = kb.render(decision.entry_id, resolved, on=on)
    computed = _computed(facts, rule_base=rule_base, region_code=hit.region_used, on=on, topic=hit.entry_id)
    citations = list(hit.citations)
    for line in computed:
        citations.extend(c for c in line.citations if c not in citations)
    note = _note(resolved) if hit.national_fallback else ""
    lines = [*(line.text for line in computed), hit.body + note, kb.citation_label(citations)]
    return AnswerOut(
        reply="\n".join(line for line in lines if line),
        abstained=False,
        topic=hit.entry_id,
        title=hit.title,
        citations=citations,
        computed=computed,
        **base,
    )


def _computed(facts: Facts, *, rule_base: RuleBase, region_code: str, on: date, topic: str) -> list[Computed]:
    lines = personal_lines(facts, rule_base=rule_base, region_code=region_code, on=on, topic=topic)
    return [Computed(text=line.text, citations=list(line.citations)) for line in lines]


def _note(resolved: ResolvedRegion | None) -> str:
    """Why the national answer: no region known, or a region without a notice of its own."""
    if resolved is not None and resolved.note is not None:
        return resolved.note
    return LOCAL_NOTE


def _region(*, kb: KnowledgeBase, message: str, region: str | None, audience: Audience) -> ResolvedRegion | None:
    """The region the answer follows; an unknown `region` is a 422 (the caller may retry without it)."""
    given = given_region(region=region)
    if audience == "operator" and given is not None:
        return given  # the operator chose the caller's region; a place in the story does not override it
    return kb.region_for(message, region.strip() if region else None)
