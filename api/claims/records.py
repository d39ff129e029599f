"""Claims and claimants: configuration, reading, creating and the status transition.

``get_claim`` and ``find_claims_*`` return ORM rows (the identity helper needs the
claimant's phone to send a code); answers meant for people go through
:func:`claim_out`, which masks personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from api.audit import record_audit, record_transition
from api.claims import repository as repo
from api.claims.enums import CLAIM_TRANSITIONS, ClaimStatus
from api.claims.errors import (
    AsOfOutOfRange,
    BenefitMonthsOverCap,
    ClaimantMismatch,
    ClaimExists,
    ClaimNotFound,
    InvalidClaimTransition,
)
from api.claims.identity import id_hash, masked_id, normalize_id_number, normalize_phone
from api.claims.models import Claim, Claimant
from api.claims.schemas import ClaimantOut, ClaimCreate, ClaimOut
from api.notify import SmsProvider, send_sms
from api.policy.regions import resolve_region
from api.privacy import mask_phone
from policy_kb import RuleBase
from policy_kb.benefits.ledger import last_day, month_index, month_text
from policy_kb.schemas import RegionOut


@dataclass(frozen=True)
class ClaimsConfig:
    secret_key: str
    # Regions whose notices set no monthly duty follow this region's monthly rules ("" or None: no duty).
    default_region: str | None = None


def config_from(settings: Any) -> ClaimsConfig:
    default = getattr(settings, "claims_default_monthly_region", None) or None
    return ClaimsConfig(secret_key=settings.secret_key, default_region=default)


@lru_cache(maxsize=1)
def default_config() -> ClaimsConfig:
    """For callers without the app's settings at hand (other services, the CLI)."""
    from api.settings import load_settings

    return config_from(load_settings())


def check_as_of(as_of: date) -> date:
    if not 2000 <= as_of.year <= 2099:
        raise AsOfOutOfRange()
    return as_of


# ---- reading -----------------------------------------------------------------------------


def get_claim(*, session: Session, claim_id: int) -> Claim:
    claim = repo.claim_by_id(session, claim_id)
    if claim is None:
        raise ClaimNotFound(claim_id)
    return claim


def find_claims_by_id_number(*, session: Session, id_number: str, config: ClaimsConfig | None = None) -> list[Claim]:
    """Claims of the person with this ID number (matched by the keyed hash); [] when malformed."""
    try:
        normalized = normalize_id_number(id_number)
    except ValueError:
        return []
    key = (config or default_config()).secret_key
    return repo.claims_by_id_hash(session, id_hash(normalized, secret_key=key))


def find_claims_by_phone(*, session: Session, phone: str) -> list[Claim]:
    try:
        normalized = normalize_phone(phone)
    except ValueError:
        return []
    return repo.claims_by_phone(session, normalized)


def find_claims_by_name(*, session: Session, name: str, limit: int = 20) -> list[Claim]:
    """Claims of claimants named `name` or whose name starts with it (exact matches first), at most `limit`."""
    name = name.strip()
    if not name:
        return []
    return repo.claims_by_name_prefix(session, name, limit=limit)


def region_out(claim: Claim, rule_base: RuleBase) -> RegionOut:
    resolved = resolve_region(region=claim.region_matched_code, rule_base=rule_base)
    return RegionOut(
        code=claim.region_code,
        name=rule_base.layer(claim.region_code).name,
        matched_code=resolved.matched_code,
        matched_name=resolved.matched_name,
        note=resolved.note,
    )


def claim_out(claim: Claim, rule_base: RuleBase) -> ClaimOut:
    start = month_index(claim.start_month)
    return ClaimOut(
        id=claim.id,
        claimant=ClaimantOut(
            name=claim.claimant.name, id_number=claim.claimant.id_masked, phone=mask_phone(claim.claimant.phone)
        ),
        region=region_out(claim, rule_base),
        start_month=claim.start_month,
        benefit_months=claim.benefit_months,
        end_month=month_text(start + claim.benefit_months - 1),
        status=ClaimStatus(claim.status),
        stop_from_month=claim.stop_from_month,
        created_at=claim.created_at,
    )


def claim_snapshot(claim: Claim) -> dict[str, Any]:
    """What the audit trail records of a claim (no clear personal data)."""
    return {
        "id": claim.id,
        "claimant_id": claim.claimant_id,
        "id_number": claim.claimant.id_masked if claim.claimant else None,
        "region_code": claim.region_code,
        "start_month": claim.start_month,
        "benefit_months": claim.benefit_months,
        "status": claim.status,
        "stop_from_month": claim.stop_from_month,
    }


# ---- creating ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    claim: Claim
    created: bool  # False: the same entitlement was registered before (a repeated or concurrent request)


def natural_key(claimant_id: int, region_code: str, start_month: str) -> str:
    """One claim per claimant, rule layer and first benefit month (UNIQUE in the database)."""
    return f"{claimant_id}:{region_code}:{start_month}"


def create_claim(
    *,
    session: Session,
    data: ClaimCreate,
    actor: str,
    rule_base: RuleBase,
    config: ClaimsConfig | None = None,
    sms: SmsProvider | None = None,
) -> Claim:
    """Record an approved entitlement (or find it, if registered already); see register_claim."""
    return register_claim(session=session, data=data, actor=actor, rule_base=rule_base, config=config, sms=sms).claim


def register_claim(
    *,
    session: Session,
    data: ClaimCreate,
    actor: str,
    rule_base: RuleBase,
    config: ClaimsConfig | None = None,
    sms: SmsProvider | None = None,
) -> Registered:
    """Record an approved entitlement and tell the claimant the review result by SMS.

    Idempotent: the same person, region layer and start month registered again (a retry, a
    double click, ten concurrent deliveries) answers with the existing claim, writes nothing and
    sends nothing; the same key with different details is a 409 naming the existing claim.
    """
    conf = config or default_config()
    region = resolve_region(region=data.region, rule_base=rule_base)
    start = month_index(data.start_month)
    cap = rule_base.get(region.code, "duration.max_months", last_day(start))
    if cap is not None and data.benefit_months > cap.value:
        raise BenefitMonthsOverCap(cap.value)
    known = repo.claimant_by_hash(session, id_hash(data.claimant.id_number, secret_key=conf.secret_key))
    if known is not None:
        found = repo.claim_by_natural_key(session, natural_key(known.id, region.code, data.start_month))
        if found is not None:
            return _registered_before(found, data)
    claimant = _claimant(session, data, conf, actor)
    key = natural_key(claimant.id, region.code, data.start_month)
    claim = Claim(
        claimant_id=claimant.id,
        region_code=region.code,
        region_matched_code=region.matched_code,
        start_month=data.start_month,
        benefit_months=data.benefit_months,
        status=ClaimStatus.active.value,
        created_by=actor,
        natural_key=key,
    )
    # claim.claimant is left unset until the row exists: through the relationship's cascade a
    # claim that lost the race would stay attached to the claimant and be inserted again at commit.
    if repo.add_claim(session, claim) is None:  # a concurrent request registered it first
        found = repo.claim_by_natural_key(session, key)
        assert found is not None
        return _registered_before(found, data)
    claim.claimant = claimant
    record_audit(
        session,
        actor=actor,
        action="claim.create",
        entity_type="claim",
        entity_id=claim.id,
        before=None,
        after=claim_snapshot(claim),
    )
    if sms is not None:
        send_sms(
            session,
            sms,
            phone=claimant.phone,
            template_code="REVIEW_RESULT",
            params={"result": f"通过，可领取{claim.benefit_months}个月"},
            dedup_key=f"review:claim-{claim.id}",
        )
    return Registered(claim=claim, created=True)


def _registered_before(claim: Claim, data: ClaimCreate) -> Registered:
    """The existing claim for a repeated registration; a 409 if the repeat says something else."""
    differs = [
        name
        for name, same in (
            ("claimant.name", claim.claimant.name == data.claimant.name),
            ("claimant.phone", claim.claimant.phone == data.claimant.phone),
            ("benefit_months", claim.benefit_months == data.benefit_months),
        )
        if not same
    ]
    if differs:
        raise ClaimExists(claim.id, differs)
    return Registered(claim=claim, created=False)


def _claimant(session: Session, data: ClaimCreate, conf: ClaimsConfig, actor: str) -> Claimant:
    digest = id_hash(data.claimant.id_number, secret_key=conf.secret_key)
    existing = repo.claimant_by_hash(session, digest)
    if existing is None:
        existing = repo.add_claimant(
            session,
            Claimant(
                name=data.claimant.name,
                id_hash=digest,
                id_masked=masked_id(data.claimant.id_number),
                phone=data.claimant.phone,
            ),
        )
    if existing.name != data.claimant.name:
        raise ClaimantMismatch()
    if existing.phone != data.claimant.phone:
        before = {"phone": mask_phone(existing.phone)}
        existing.phone = data.claimant.phone
        record_audit(
            session,
            actor=actor,
            action="claimant.phone_change",
            entity_type="claimant",
            entity_id=existing.id,
            before=before,
            after={"phone": mask_phone(existing.phone)},
        )
    return existing


def transition(session: Session, claim: Claim, to: ClaimStatus, *, actor: str, reason: str) -> None:
    """The one place a claim's status changes; a claim keeps no event table, its audit row is the event."""
    current = ClaimStatus(claim.status)
    if to == current:
        return
    if to not in CLAIM_TRANSITIONS[current]:
        raise InvalidClaimTransition(current.value, to.value)
    claim.status = to.value
    record_transition(
        session,
        actor=actor,
        action="claim.status_change",
        entity_type="claim",
        entity_id=claim.id,
        before={"status": current.value},
        after={"status": to.value, "reason": reason},
    )
