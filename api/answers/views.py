"""POST /v1/answers (integration token or staff): one call per turn of a conversation."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from api.answers import service
from api.answers.schemas import AnswerIn, AnswerOut
from api.auth import IntegrationOrStaff
from api.kb.deps import KnowledgeBaseDep
from api.metrics import ABSTENTIONS, ANSWERS
from api.policy.deps import RuleBaseDep
from policy_kb.clock import today_in_china

router = APIRouter(tags=["政策问答"])


@router.post(
    "/v1/answers",
    response_model=AnswerOut,
    summary="答复一条消息：本人情况、政策答复和依据，没有把握时说明并转人工",
    responses={422: {"description": "消息为空或过长、日期格式不对、地区无法识别"}},
)
async def answers(
    body: AnswerIn, kb: KnowledgeBaseDep, rule_base: RuleBaseDep, _caller: IntegrationOrStaff
) -> Response:
    # Async: the answer is a few milliseconds of CPU over in-memory rules (no I/O), cheaper run
    # here than handed to the thread pool and back, on every turn of every conversation.
    answer = service.answer(
        kb=kb,
        rule_base=rule_base,
        message=body.message,
        region=body.region,
        on=body.date or today_in_china(),
        known_facts=body.facts,
        audience=body.audience,
    )
    # The share of turns the knowledge base was not sure about: abstentions / answers.
    ANSWERS.inc()
    if answer.abstained:
        ABSTENTIONS.inc()
    # The service built AnswerOut from validated parts: sent as it is. Returned as a model,
    # FastAPI would validate it again (in the thread pool) and encode it twice; the schema
    # (response_model) is what the route documents and what the tests hold it to.
    return Response(answer.model_dump_json(by_alias=True), media_type="application/json")
