"""Status and back-pay answers of a claim as of a date (the ledger rendered with its rules)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from api.claims import repository as repo
from api.claims.enums import ClaimStatus
from api.claims.models import Claim
from api.claims.records import ClaimsConfig, check_as_of, default_config, get_claim, region_out
from api.claims.schemas import BackpayOut, LedgerMonth, StatusOut, Window
from policy_kb import RuleBase
from policy_kb.benefits.duties import ClaimsPolicy, MonthPolicy, dedupe
from policy_kb.benefits.explain import backpay_message, no_backpay_instead, status_notes
from policy_kb.benefits.ledger import Ledger, build_ledger, month_index, month_of, month_text
from policy_kb.benefits.ledger import backpay_options as compute_backpay
from policy_kb.schemas import Explanation
from policy_kb.vocab import BackpayStatus, MonthState


def ledger_for(session: Session, claim: Claim, policy: ClaimsPolicy, as_of: date) -> Ledger:
    return build_ledger(
        start=month_index(claim.start_month),
        benefit_months=claim.benefit_months,
        checked_in=repo.checked_in_months(session, claim.id),
        as_of=as_of,
        rules_for=policy.rules_for(claim.region_code),
        stop_from=month_index(claim.stop_from_month) if claim.stop_from_month else None,
        backpay=repo.backpay_by_month(session, claim.id),
    )


def concerned_month(ledger: Ledger, as_of: date) -> int:
    """The month whose rules answer a question asked on `as_of` (kept inside the claim's period)."""
    return min(max(month_of(as_of), ledger.start), max(ledger.period_end, ledger.start))


def source_name(policy: MonthPolicy, rule_base: RuleBase) -> str:
    return rule_base.layer(policy.source_region).name if policy.by_default else ""


def backpay_out(claim: Claim, ledger: Ledger, policy: ClaimsPolicy, as_of: date) -> BackpayOut:
    month = concerned_month(ledger, as_of)
    rules = policy.backpay(claim.region_code, month)
    month_policy = policy.month(claim.region_code, month)
    requested = [e.label for e in ledger.entries if e.backpay in repo.PENDING_OR_APPROVED]
    if rules.max_months is None:
        instead, cites = no_backpay_instead(month_policy, rules)
        return BackpayOut(
            claim_id=claim.id,
            as_of=as_of,
            applicable=False,
            requested_months=requested,
            instead=instead,
            message="本地区没有失业保险金补发规定。" + instead,
            citations=cites,
        )
    calc = compute_backpay(ledger, max_months=rules.max_months, within_benefit_period=rules.within_benefit_period)
    return BackpayOut(
        claim_id=claim.id,
        as_of=as_of,
        applicable=True,
        eligible_months=[month_text(m) for m in calc.eligible],
        candidate_months=[month_text(m) for m in calc.candidates],
        requested_months=requested,
        max_months=rules.max_months,
        apply_by=calc.apply_by,
        expired=calc.expired,
        places=rules.places,
        message=backpay_message(
            eligible=calc.eligible,
            candidates=calc.candidates,
            used=calc.used,
            apply_by=calc.apply_by,
            expired=calc.expired,
            rules=rules,
        ),
        citations=dedupe(rules.citations + month_policy.cite("monthly.missed_month_lost")),
    )


def get_backpay(
    *, session: Session, claim_id: int, as_of: date, rule_base: RuleBase, config: ClaimsConfig | None = None
) -> BackpayOut:
    claim = get_claim(session=session, claim_id=claim_id)
    policy = ClaimsPolicy(rule_base, (config or default_config()).default_region)
    ledger = ledger_for(session, claim, policy, check_as_of(as_of))
    return backpay_out(claim, ledger, policy, as_of)


def get_status(
    *, session: Session, claim_id: int, as_of: date, rule_base: RuleBase, config: ClaimsConfig | None = None
) -> StatusOut:
    claim = get_claim(session=session, claim_id=claim_id)
    policy = ClaimsPolicy(rule_base, (config or default_config()).default_region)
    ledger = ledger_for(session, claim, policy, check_as_of(as_of))
    month_policy = policy.month(claim.region_code, concerned_month(ledger, as_of))
    stop = policy.stop(claim.region_code, as_of) if claim.stop_from_month else None
    notes = [
        Explanation.of(n)
        for n in status_notes(ledger, month_policy, source_name=source_name(month_policy, rule_base), stop=stop)
    ]
    region = region_out(claim, rule_base)
    if region.note:
        # Cited like the duty rule (the rule the baseline supplies), whichever note comes first.
        duty = next((n for n in notes if n.code == "MONTHLY_DUTY"), notes[0])
        notes.append(duty.model_copy(update={"code": "NATIONAL_BASELINE", "message": region.note}))
    backpay = backpay_out(claim, ledger, policy, as_of)
    upcoming = ledger.next_window()
    medical_from = ledger.medical_suspended_since
    return StatusOut(
        claim_id=claim.id,
        as_of=as_of,
        region=region,
        duty=month_policy.rules.duty,
        duty_by_default=month_policy.by_default,
        status=ClaimStatus(claim.status),
        start_month=claim.start_month,
        end_month=month_text(ledger.period_end),
        months_paid=[month_text(m) for m in ledger.months(MonthState.paid)],
        months_lost=[month_text(m) for m in ledger.months(MonthState.lost)],
        months_suspended=[month_text(m) for m in ledger.months(MonthState.suspended)],
        months_backpaid=[month_text(m) for m in ledger.months(MonthState.backpaid)],
        months_remaining=ledger.remaining,
        suspended=ledger.suspended,
        suspended_since=month_text(ledger.suspended_since) if ledger.suspended_since is not None else None,
        resumes_from=month_text(ledger.resumes_from) if ledger.resumes_from is not None else None,
        medical_premium_suspended=ledger.medical_premium_suspended,
        medical_premium_suspended_from=month_text(medical_from) if medical_from is not None else None,
        stopped=ledger.stopped,
        stop_from_month=claim.stop_from_month,
        ended=ledger.ended,
        next_checkin=(
            Window(month=upcoming.label, start=upcoming.window_start, end=upcoming.window_end) if upcoming else None
        ),
        backpay=backpay,
        ledger=[
            LedgerMonth(
                month=e.label,
                state=e.state,
                checked_in=e.checked_in,
                window_start=e.window_start if e.has_duty else None,
                window_end=e.window_end if e.has_duty else None,
                medical_premium_suspended=e.medical_premium_suspended,
                backpay=BackpayStatus(e.backpay) if e.backpay else None,
            )
            for e in ledger.entries
        ],
        notes=notes,
        citations=dedupe([c for n in notes for c in n.citations] + backpay.citations),
    )
