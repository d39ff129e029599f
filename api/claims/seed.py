"""Demo claims for the embedded default: two claimants in every region of the rule base.

Safe to run again: a claimant whose (keyed) ID number is already stored is skipped.
Dates are relative to the day the seed runs, so the demo always has a current month:
each claim started three months ago and has its first month checked in.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy.orm import Session

from api.claims import repository as repo
from api.claims.checkins import record_checkin
from api.claims.identity import check_digit, id_hash
from api.claims.records import config_from, create_claim
from api.claims.schemas import CheckinAnswers, ClaimCreate
from api.settings import Settings
from policy_kb import default_rule_base
from policy_kb.benefits.duties import ClaimsPolicy
from policy_kb.benefits.ledger import month_of, month_text
from policy_kb.clock import CHINA_TZ, today_in_china

# region (as a caller would name it), ID number's first 6 digits, two demo names
DEMO: list[tuple[str, str, tuple[str, str]]] = [
    ("120000", "120101", ("赵天明", "钱津华")),  # 天津市 (按月申领)
    ("500000", "500103", ("孙渝生", "李巴蜀")),  # 重庆市 (资格核验)
    ("210000", "210102", ("周辽宁", "吴沈阳")),  # 辽宁省
    ("370000", "370102", ("郑齐鲁", "王泉城")),  # 山东省
    ("371500", "371502", ("冯聊城", "陈东昌")),  # 聊城市
    ("150000", "150102", ("褚青城", "卫草原")),  # 内蒙古自治区
    ("440000", "440103", ("蒋岭南", "沈羊城")),  # 广东省: no notice of its own, national baseline
]
NO_STOP = dict.fromkeys(
    ("reemployed", "business_registered", "receiving_pension", "enlisted", "emigrated", "refused_job_offer"), False
)


def demo_id_number(prefix: str, serial: int) -> str:
    first17 = f"{prefix}19{70 + serial:02d}0{serial % 9 + 1}1{serial % 9}{serial:03d}"
    return first17 + check_digit(first17)


def seed_claims(session: Session, settings: Settings) -> str:
    config = config_from(settings)
    rule_base = default_rule_base()
    policy = ClaimsPolicy(rule_base, config.default_region)
    day = today_in_china()
    start = month_of(day) - 3
    added = 0
    for n, (region, prefix, names) in enumerate(DEMO):
        for k, name in enumerate(names):
            serial = n * 2 + k + 1
            number = demo_id_number(prefix, serial)
            if repo.claimant_by_hash(session, id_hash(number, secret_key=config.secret_key)) is not None:
                continue
            data = ClaimCreate.model_validate(
                {
                    "claimant": {"name": name, "id_number": number, "phone": f"1990000{serial:04d}"},
                    "region": region,
                    "start_month": month_text(start),
                    "benefit_months": 12,
                }
            )
            claim = create_claim(session=session, data=data, actor="seed", rule_base=rule_base, config=config)
            opens = policy.month(claim.region_code, start).rules.window(start)[0]
            at = datetime.combine(opens, time(10), tzinfo=CHINA_TZ)
            record_checkin(
                session=session,
                claim_id=claim.id,
                month=month_text(start),
                channel="web",
                answers=CheckinAnswers.model_validate(NO_STOP),
                at=at,
                actor="seed",
                rule_base=rule_base,
                config=config,
            )
            added += 1
    total = len(DEMO) * 2
    return f"待遇演示数据：新增 {added} 件，共 {total} 件演示待遇，覆盖 {len(DEMO)} 个地区"
