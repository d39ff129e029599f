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

ROUTERS: list[APIRouter] = [
    health_router,
    channels_router(),
    sms_reports_router,
    identity_router,
    policy_router,  # /v1/eligibility, /v1/regions, /v1/rules
    staff_router,
    tickets_router,
    console_router,
    claims_router,
    kb_router,
    answers_router,
]
