"""Every router of the API, in one list. A domain adds one import and one entry."""

from fastapi import APIRouter

from api.answers.views import router as answers_router
from api.channels.registry import router as channels_router
from api.claims.views import router as claims_router
from api.console.views import router as console_router
from api.health.views import router as health_router
from api.identity.views import router as identity_router
from api.kb.views import router as kb_router
from api.notify.views import router as sms_reports_router
from api.policy.views import router as policy_router
from api.staff.views import router as staff_router
from api.tickets.views import router as tickets_router

# Matched in this order, router by router, on every request: the routes of a chat turn and the
# eligibility check come first. Reaching the last router cost about 0.4 ms a request (16 routers,
# 47 routes), so /v1/answers, called for every knowledge turn, was paying that last. No two
# routers here match the same path (checked when this order was set, docs/performance.md), so the
# order changes no answer, only the order of the OpenAPI document.
ROUTERS: list[APIRouter] = [
    answers_router,  # /v1/answers: the action server, every knowledge turn
    policy_router,  # /v1/eligibility, /v1/regions, /v1/rules
    channels_router(),  # /v1/chat and the other channels (many routes: matching them costs the most)
    identity_router,
    health_router,
    sms_reports_router,
    staff_router,
    tickets_router,
    console_router,
    claims_router,
    kb_router,
]
