"""Request and answer bodies of the claims API (contracts.md, "Claims, monthly check-ins and back-pay").

Read schemas never carry a clear ID number or mobile number: both are masked.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer

from api.claims.enums import CheckinStatus, ClaimStatus
from api.claims.identity import normalize_id_number, normalize_phone
from api.fields import IsoDateTime, Line, StrictInt, Text
from api.vocab import CheckinChannel
from policy_kb import Citation
from policy_kb.clock import CHINA_TZ
from policy_kb.schemas import Explanation, RegionOut
from policy_kb.vocab import BackpayStatus, MonthState

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def validate_month(value: str) -> str:
    found = _MONTH.fullmatch(value.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise ValueError("月份格式应为 YYYY-MM（如 2026-03），月份在 01 到 12 之间")
    if not 2000 <= int(found.group(1)) <= 2099:
        raise ValueError("月份的年份不在 2000 到 2099 之间")
    return found.group(0)


def validate_as_of(value: date) -> date:
    if not 2000 <= value.year <= 2099:
        raise ValueError("日期的年份不在 2000 到 2099 之间")
    return value


Month = Annotated[str, Field(max_length=16), AfterValidator(validate_month)]
AsOf = Annotated[date, AfterValidator(validate_as_of)]
# Lengths bound the work done before the format checks (an 18-digit number or 11-digit mobile,
# written with spaces or dashes at most).
IdNumber = Annotated[str, Field(max_length=32), AfterValidator(normalize_id_number)]
Phone = Annotated[str, Field(max_length=24), AfterValidator(normalize_phone)]
# Times leave the API in Asia/Shanghai with their offset (contracts.md).
LocalDateTime = Annotated[datetime, PlainSerializer(lambda d: d.astimezone(CHINA_TZ).isoformat(), return_type=str)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ClaimantIn(_In):
    name: Line = Field(min_length=1, max_length=50)
    id_number: IdNumber
    phone: Phone


class ClaimCreate(_In):
    claimant: ClaimantIn
    region: Line = Field(min_length=1, max_length=40)
    start_month: Month
    # Strict: JSON `true` is not 1 (the region's cap is checked by the service).
    benefit_months: StrictInt = Field(ge=1)


class CheckinAnswers(_In):
    """The monthly questions; any `true` is a stop event (contracts.md)."""

    reemployed: bool
    business_registered: bool
    receiving_pension: bool
    enlisted: bool
    emigrated: bool
    refused_job_offer: bool

    def stop_answers(self) -> list[str]:
        return [name for name, value in self.model_dump().items() if value is True]


class CheckinIn(_In):
    month: Month
    # Honoured from integrations and staff (records made elsewhere); absent: the server's clock.
    at: IsoDateTime | None = None
    channel: CheckinChannel
    answers: CheckinAnswers
    # When the stop event happened, if one is reported; absent: the check-in day.
    event_date: AsOf | None = None


class BackpayRequestIn(_In):
    # Absent: every month that may still be asked for.
    months: list[Month] | None = Field(default=None, min_length=1, max_length=24)
    at: IsoDateTime | None = None
    place: Line | None = Field(default=None, max_length=60)
    note: Text | None = Field(default=None, max_length=500)


class BackpayDecisionIn(_In):
    approve: bool
    note: Text | None = Field(default=None, max_length=500)


# ---- answers ------------------------------------------------------------------------------


class ClaimantOut(BaseModel):
    name: str
    id_number: str  # masked: 1201**********1234
    phone: str  # masked: 138****1234


class ClaimOut(BaseModel):
    id: int
    claimant: ClaimantOut
    region: RegionOut
    start_month: str
    benefit_months: int
    end_month: str  # last month of the period if every month is claimed
    status: ClaimStatus
    stop_from_month: str | None
    created_at: LocalDateTime
    citations: list[Citation] = []


class Window(BaseModel):
    month: str
    start: date
    end: date


class CheckinOut(BaseModel):
    id: int
    month: str
    at: LocalDateTime
    channel: str
    answers: dict[str, bool]
    stop_reported: bool
    recorded_at: LocalDateTime


class StopOut(BaseModel):
    events: list[str]
    events_zh: list[str]
    event_date: date
    stops_from_month: str
    report_within_working_days: int | None
    report_by: date | None
    report_by_provisional: bool
    message: str
    citations: list[Citation]


class CheckinResult(BaseModel):
    status: CheckinStatus
    claim_id: int
    month: str
    checkin: CheckinOut | None
    window: Window | None
    effects: list[Explanation]
    stop: StopOut | None = None
    citations: list[Citation]


class BackpayOut(BaseModel):
    claim_id: int
    as_of: date
    applicable: bool
    eligible_months: list[str] = []
    candidate_months: list[str] = []
    requested_months: list[str] = []
    max_months: int | None = None
    apply_by: date | None = None
    expired: bool = False
    places: list[str] = []
    instead: str | None = None  # where there is no 补发: what happens instead
    message: str
    citations: list[Citation]


class LedgerMonth(BaseModel):
    month: str
    state: MonthState
    checked_in: bool
    window_start: date | None
    window_end: date | None
    medical_premium_suspended: bool
    backpay: BackpayStatus | None


class StatusOut(BaseModel):
    claim_id: int
    as_of: date
    region: RegionOut
    duty: str  # monthly_claim | qualification_check | none
    duty_by_default: bool
    status: ClaimStatus
    start_month: str
    end_month: str  # projected last month of the benefit period
    months_paid: list[str]
    months_lost: list[str]
    months_suspended: list[str]
    months_backpaid: list[str]
    months_remaining: int
    suspended: bool
    suspended_since: str | None
    resumes_from: str | None
    medical_premium_suspended: bool
    medical_premium_suspended_from: str | None
    stopped: bool
    stop_from_month: str | None
    ended: bool
    next_checkin: Window | None
    backpay: BackpayOut
    ledger: list[LedgerMonth]
    notes: list[Explanation]
    citations: list[Citation]


class BackpayRequestOut(BaseModel):
    id: int
    claim_id: int
    status: BackpayStatus
    months: list[str]
    requested_at: LocalDateTime
    place: str | None
    note: str | None
    apply_by: date | None
    decided_at: LocalDateTime | None = None
    decision_note: str | None = None
    message: str
    citations: list[Citation]
