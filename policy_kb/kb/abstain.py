"""What to say when the knowledge base is not sure: plainly so, 12333, the local office, a person.

No citation goes with it (nothing is asserted about the rules). The office is named as
each region's notice names it; elsewhere the national wording is used.
"""

from __future__ import annotations

from collections.abc import Sequence

# How each notice names the office that handles claims (the text the claimant will see at the window).
OFFICES = {
    "CN": "当地失业保险经办机构",  # 人社厅发〔2024〕60号: 经办机构, 综合窗口
    "120000": "天津市失业保险经办部门",  # 天津市人社局失业保险经办通知: 失业保险经办部门
    "210000": "当地失业保险经办机构的综合窗口",  # 辽人社函〔2025〕111号 八: 综合窗口
    "500000": "区县失业保险经办机构",  # 渝人社办〔2025〕112号: 区县失业保险经办机构
    "370000": "参保地公共就业服务机构或社会保险经办机构",  # 鲁人社函〔2020〕10号 一
    "371500": "参保地公共就业服务机构或社会保险经办机构",
    "150000": "人社部门综合柜台窗口或业务咨询电话",  # 内蒙古失业保险经办通知 八: 综合柜台窗口、业务咨询电话
}
HOTLINE = "12333"


def office(region_code: str) -> str:
    return OFFICES.get(region_code, OFFICES["CN"])


def abstention_reply(region_code: str, *, operator: bool = False, suggested: Sequence[str] = ()) -> str:
    """The reply when no entry addresses the question (claimant, or the hotline operator's card).

    `suggested`: the titles of close entries (see suggested_topics), offered as questions the
    claimant may mean; each title is itself a question its entry answers.
    """
    where = office(region_code)
    if operator:
        near = f"相近条目（须与来电人确认后再答）：{'；'.join(suggested)}。" if suggested else ""
        return (
            "知识库中没有与这个问题对应的答复，请勿按相近问题答复。"
            f"{near}可请来电人咨询{where}，或受理为工单转相关业务科室办理。"
        )
    unsure = "这个问题我没有把握准确回答，为免误导，先不给您答复。"
    if suggested:
        offered = "\n".join(f"· {title}" for title in suggested)
        return (
            f"{unsure}\n您想问的是不是：\n{offered}\n是的话请点选，或把这句发给我；都不是，您"
            f"可以拨打{HOTLINE}人社服务热线，或咨询{where}，也可以回复“人工”转人工服务。"
        )
    return f"{unsure}您可以拨打{HOTLINE}人社服务热线，或咨询{where}；也可以回复“人工”转人工服务。"


# Abstentions on a close call: the first entries were near the question, only not surely its answer.
# There the reply offers them as questions to tap ("您想问的是不是…"): the claimant chooses, nothing is
# asserted. Not after off_topic, no_match, own_record (no entry is near) or key_notion / low_score
# (the question is about something no entry covers; its nearest entries would read as nonsense).
CLOSE_CALL_REASONS = frozenset({"margin", "narrower", "assumed", "coverage", "partial", "disagree"})
MAX_SUGGESTIONS = 2
SECOND_SHARE = 0.8  # the runner-up is offered too when it scored this share of the first


def suggested_topics(reason: str, candidates: Sequence[tuple[str, float]], min_score: float) -> list[str]:
    """The entries to offer after an abstention (best first): none unless it was a close call."""
    if reason not in CLOSE_CALL_REASONS or not candidates or candidates[0][1] < min_score:
        return []
    if reason == "disagree":  # the two readings the decision could not choose between (decide.py)
        return [topic for topic, _ in candidates[:MAX_SUGGESTIONS]]
    first = candidates[0][1]
    return [topic for topic, score in candidates[:MAX_SUGGESTIONS] if score >= max(min_score, first * SECOND_SHARE)]
