"""The rule base, loaded once at start-up and shared by the eligibility, regions and rules routes
(and by the other domains that read policy: answers, kb, claims)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from api.auth import IntegrationOrStaff
from policy_kb import RuleBase, default_rule_base

log = logging.getLogger(__name__)


def load_rule_base_on_startup(app: FastAPI) -> None:
    """Start-up hook: validate and load the rule base (an invalid rule file stops the start)."""
    rules = default_rule_base()
    app.state.rule_base = rules
    log.info("rule base %s loaded: %s", rules.version, ", ".join(rules.region_codes))


async def get_rule_base(request: Request) -> RuleBase:
    """Async on purpose: a sync dependency would cost a thread-pool hop on every request."""
    rules: RuleBase | None = getattr(request.app.state, "rule_base", None)
    return rules if rules is not None else default_rule_base()


RuleBaseDep = Annotated[RuleBase, Depends(get_rule_base)]


# Any authenticated caller (api.auth admits bearer tokens without a thread-pool hop).
CallerDep = IntegrationOrStaff
