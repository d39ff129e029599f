"""Answer or abstain: the best entry answers only when it addresses the question's notions.

The cases are written for this test (not taken from any held-out set): questions the
entries answer in other words, and questions whose key notion no entry covers.
"""

from __future__ import annotations

from datetime import date

import pytest

from policy_kb.kb import KnowledgeBase
from policy_kb.kb.abstain import suggested_topics
from policy_kb.kb.decide import clip_question, question_to_decide, with_situation
from policy_kb.kb.facts import understand
from policy_kb.kb.second_opinion import Opinion

MUST_ANSWER = [
    ("失业金一个月能拿多少钱", "benefit_amount"),
    ("我是被公司裁掉的，能领失业金吗", "eligibility"),
    ("重庆失业保险金审核需要几个工作日", "review_time"),
    ("这个月的资格核验忘了做怎么办", "missed_checkin"),
    ("领失业金的时候医保谁给交", "medical_insurance"),
    ("单位把我写成了主动离职，我其实是被辞退的", "dispute_reason"),
    ("交了6年能领多久", "duration"),
    ("领失业金期间找到新工作了要停吗", "stop_events"),
    ("来电人问失业金审核要几天", "review_time"),
]
MUST_ABSTAIN = [
    "驾照到期了怎么换",
    "住房补贴去哪申请",
    "失业了想考公务员有年龄限制吗",
    "领失业金期间可以炒股吗",
    "今天天气怎么样",
    "好的",
    "asdfgh",
]

# Once answered with an entry for another question (issue 13); they now have entries of their own.
NOW_COVERED = [
    ("公积金怎么提取出来", "housing_fund_pointer"),
    ("劳动仲裁去哪里申请", "labour_arbitration"),
    ("领完失业金还能再领吗", "second_claim"),
    ("单位不给我开离职证明", "leaving_certificate_refused"),
]


@pytest.mark.parametrize(("question", "entry"), MUST_ANSWER + NOW_COVERED)
def test_questions_the_entries_address_are_answered(kb: KnowledgeBase, on: date, question: str, entry: str) -> None:
    decision, _ = kb.decide(question, None, on=on)
    assert decision.entry_id == entry, decision
    assert decision.reason == "answered" and 0 < decision.confidence <= 1


@pytest.mark.parametrize("question", MUST_ABSTAIN)
def test_questions_no_entry_addresses_abstain(kb: KnowledgeBase, on: date, question: str) -> None:
    decision, _ = kb.decide(question, None, on=on)
    assert decision.abstained, decision
    assert kb.answer(question, None, on=on) is None


def test_a_notion_no_entry_knows_is_what_abstains(kb: KnowledgeBase, on: date) -> None:
    decision, _ = kb.decide("住房补贴去哪申请", None, on=on)
    assert "住房" in decision.notions  # 补贴 and 申请 are known; 住房 is not
    assert decision.missing == ("住房",)
    assert decision.abstained


def test_a_narrower_entry_does_not_answer_a_broader_question(kb: KnowledgeBase, on: date) -> None:
    """The near-retirement entry shares 领完 with the question but not what it is for (快退休)."""
    decision, _ = kb.decide("领完失业金还能再领吗", None, on=on)
    assert "near_retirement" in [c[0] for c in decision.candidates]
    assert decision.entry_id != "near_retirement"
    answered, _ = kb.decide("快退休了失业金领完了还能继续领吗", None, on=on)
    assert answered.entry_id == "near_retirement"


def test_a_close_runner_up_abstains_unless_the_question_is_fully_covered(kb: KnowledgeBase, on: date) -> None:
    t = kb.decider.thresholds
    tokens = kb.notion_tokens("交了6年能领多久")  # no notion of its own: score and margin decide
    assert kb.decider.notions(tokens) == []
    assert kb.decider.decide(tokens, [("duration", 20.0), ("review_time", 19.5)]).reason == "margin"
    assert kb.decider.decide(tokens, [("duration", 20.0), ("review_time", 10.0)]).entry_id == "duration"
    assert kb.decider.decide(tokens, [("duration", t.min_score - 1)]).reason == "low_score"


def test_fillers_and_figures_are_not_notions(kb: KnowledgeBase) -> None:
    notions = kb.decider.notions(kb.notion_tokens("我老公3月份被辞退了，上个月交的社保算不算"))
    assert "辞退" in notions
    assert not {"老公", "3", "月份", "上个月"} & set(notions)
    # When he left + "still possible now" is one notion, the window (the leaving words are part of it).
    notions = kb.decider.notions(kb.notion_tokens("我老公3月份被辞退了，上个月到现在还能申请吗"))
    assert "申领期限" in notions and "辞退" not in notions
    assert not {"老公", "3", "月份", "上个月"} & set(notions)


def test_full_coverage_by_words_every_entry_has_does_not_settle_a_close_call(kb: KnowledgeBase) -> None:
    # Three close entries that all cover the question's one notion, 失业保险金 (every entry has it):
    # the first of them is a guess. A figure of the person's makes the question particular only for
    # what the figure determines: how long or how much ("交了3年能领多久").
    close = [("review_refusal_reason", 30.0), ("appeal_review", 29.0), ("amount_standard_basis", 28.0)]
    vague = kb.decider.decide(kb.notion_tokens("不给我批失业金也不说为什么"), close)
    assert vague.abstained and vague.reason == "margin"
    story = kb.decider.decide(kb.notion_tokens("交了3年不给我批失业金也不说为什么"), close)
    assert story.abstained and story.reason == "margin"
    lengths = [("duration", 30.0), ("review_time", 29.0)]
    assert kb.decider.decide(kb.notion_tokens("交了3年失业金能领几个月"), lengths).entry_id == "duration"


def test_figures_in_words_are_facts_but_question_words_are_not_figures(kb: KnowledgeBase) -> None:
    # "半年", "一分钱": facts of the person. Taken as notions, no entry has them and the answer abstains.
    notions = kb.decider.notions(kb.notion_tokens("断缴了半年 之前交的还算不算"))
    assert "半年" not in notions
    assert "一分钱" not in kb.decider.notions(kb.notion_tokens("辞职的人是不是一分钱失业金都没有"))
    # "几" alone is a question word: counted as a figure, it would let an off-topic question through.
    decision, _ = kb.decide("几个人一起去吃饭", None, on=date(2026, 12, 3))
    assert decision.abstained and decision.reason == "off_topic"


def test_a_story_is_decided_on_its_last_question_and_its_reason_for_leaving(kb: KnowledgeBase, on: date) -> None:
    story = (
        "我在一家物流公司干了五年，上个月公司说经营困难要裁员，我们整个部门二十多个人都被辞退了，"
        "公司给了一个月工资的补偿，社保交到了上个月，中介打电话说能帮忙办，想问一下像我这种情况能领失业金吗"
    )
    question = clip_question(story)
    assert question == "想问一下像我这种情况能领失业金吗"
    question = with_situation(question, understand(story, on).leaving_reason)
    decision, _ = kb.decide(question, None, on=on)
    # Not the fraud warning the story's words rank first.
    assert decision.entry_id in {"eligibility", "dismissed_eligible"}
    fraud, _ = kb.decide(story, None, on=on)
    assert fraud.entry_id != "eligibility" or fraud.abstained  # the whole story would not say it


def test_contributions_in_two_places_are_named_as_the_entries_name_them(kb: KnowledgeBase, on: date) -> None:
    text = "我在深圳交了五年社保，后来回老家重庆又交了两年，今年十月被公司裁了，这两个地方交的能合起来算吗"
    facts = understand(text, on)
    assert facts.contribution_places == 2
    question = question_to_decide(text, facts.leaving_reason, places=facts.contribution_places)
    assert question.startswith("在两个城市交的社保，") and "被辞退" not in question  # short: said already
    decision, _ = kb.decide(question, "500000", on=on)
    assert decision.entry_id == "contributions_two_places"
    # One place only: the message is decided as it is.
    assert question_to_decide("在重庆交了两年能领多久", None, places=1) == "在重庆交了两年能领多久"


def test_short_messages_are_decided_whole() -> None:
    assert clip_question("  失业金 怎么领  ") == "失业金 怎么领"
    long_story = "我在厂里干了十年" * 40
    assert clip_question(long_story) == long_story[-200:]


def test_how_long_and_how_much_are_notions_of_the_question(kb: KnowledgeBase) -> None:
    """Asking 几个月/多少天 is asking how long; the notions alone ('失业保险') would not say so."""
    assert kb.decider.aspects(kb.notion_tokens("一年的失业险能领几个月")) == ["多久"]
    assert kb.decider.aspects(kb.notion_tokens("审核多少天能出结果")) == ["多久"]
    assert kb.decider.aspects(kb.notion_tokens("失业金一个月发多少")) == ["多少钱"]
    assert kb.decider.aspects(kb.notion_tokens("失业金怎么领")) == []
    assert kb.decider.aspects(kb.notion_tokens("交了6年能领多久")) == []  # said as the entries say it
    # A time named, not a length asked: "the last few months".
    assert kb.decider.aspects(kb.notion_tokens("前几个月的失业金没领，能补吗")) == []
    # "领多少个月" asks how long, not how much.
    assert kb.decider.aspects(kb.notion_tokens("失业金可以领多少个月")) == ["多久"]


def test_words_of_the_question_frame_are_no_notions(kb: KnowledgeBase) -> None:
    # "政策", "规定", "处理": any question may use them; missing from an entry, they must not abstain.
    notions = kb.decider.notions(kb.notion_tokens("延迟退休政策是怎样的，有什么规定"))
    assert not {"政策", "规定"} & set(notions)


def test_how_long_steers_away_from_the_conditions_entry(kb: KnowledgeBase, on: date) -> None:
    decision, _ = kb.decide("社保交了6年 失业金能拿几个月", on=on)
    assert decision.entry_id != "eligibility"
    assert "多久" in decision.notions


OWN_RECORD = ["能帮我查下我的失业金还剩几个月吗", "我的失业金还剩多少钱", "给我查一下失业金余额", "失业金还剩几个月了"]


@pytest.mark.parametrize("question", OWN_RECORD)
def test_a_lookup_of_the_persons_own_record_abstains(kb: KnowledgeBase, on: date, question: str) -> None:
    decision, _ = kb.decide(question, on=on)
    assert decision.entry_id is None and decision.reason == "own_record"


def test_a_question_about_the_remainder_is_no_lookup(kb: KnowledgeBase, on: date) -> None:
    # It asks what may be done with what is left, not how much is left: the entries may answer it.
    decision, _ = kb.decide("剩下几个月的失业金能一次给我吗", on=on)
    assert decision.reason != "own_record"


def test_an_assumed_situation_is_found_once_stop_words_are_gone(kb: KnowledgeBase) -> None:
    # medical_after_benefit assumes the benefit ended ("停了"); the question's tokens have lost 了.
    position = [entry.id for entry in kb.entries].index("medical_after_benefit")
    assert "停" in kb.decider._assumes[position]


# When the person left + "is it still possible now": the window for applying after leaving (issue 13).
WINDOW_AFTER_LEAVING = [
    "我3月份被辞退的，现在还能申请吗",
    "去年10月离职的现在还能领失业金吗",
    "上个月合同到期的，现在去办还来得及吗",
    "我两个月前被裁了，现在申请会不会过期",
]


@pytest.mark.parametrize("question", WINDOW_AFTER_LEAVING)
def test_when_i_left_and_can_i_still_apply_asks_about_the_window(kb: KnowledgeBase, on: date, question: str) -> None:
    decision, _ = kb.decide(question, None, on=on)
    assert decision.entry_id == "sixty_day_window", decision
    assert "申领期限" in decision.notions


@pytest.mark.parametrize(
    "question",
    ["3月份被辞退的，失业金能领多久", "去年被辞退的，能领多少钱", "被辞退了现在能申请吗"],
)
def test_leaving_without_still_possible_or_without_when_is_no_window_question(kb: KnowledgeBase, question: str) -> None:
    assert "申领期限" not in kb.notion_tokens(question)


def test_the_window_answer_cites_the_region_text_that_sets_it(kb: KnowledgeBase, on: date) -> None:
    decision, _ = kb.decide("我3月份被辞退的，现在还能申请吗", "370000", on=on)
    hit = kb.render(decision.entry_id or "", kb.region_for("", "370000"), on=on)
    assert any(c.document == "鲁人社函〔2020〕10号" and "60日申领期限" in c.quote for c in hit.citations)
    national = kb.render("sixty_day_window", None, on=on)
    assert "12333" in national.body  # no regional text on the window: where to ask
    assert any(c.document == "社会保险法" and c.clause == "第五十条" for c in national.citations)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("医保断缴了怎么办", "medical_general_pointer"),
        ("医保断缴了怎么补", "medical_general_pointer"),
        ("失业了医保断缴怎么办", "medical_insurance"),
        ("领失业金的时候医保会断缴吗", "medical_insurance"),
    ],
)
def test_an_entry_answers_only_the_situation_it_assumes(kb: KnowledgeBase, on: date, question: str, entry: str) -> None:
    """medical_insurance is about the benefit period: "医保断缴了怎么办" is about 医保 in general."""
    decision, _ = kb.decide(question, None, on=on)
    assert decision.entry_id == entry, decision


def test_the_medical_pointer_cites_the_statute_on_the_benefit_period(kb: KnowledgeBase, on: date) -> None:
    hit = kb.render("medical_general_pointer", None, on=on)
    assert "医疗保障经办机构" in hit.body
    assert any(c.document == "社会保险法" and c.clause == "第四十八条" for c in hit.citations)


def test_an_entry_set_aside_for_its_situation_leaves_no_guess_behind(kb: KnowledgeBase, on: date) -> None:
    """Not the refund entry because the benefit-period one, ranked first, does not apply."""
    decision, _ = kb.decide("医保要自己交吗", None, on=on)
    assert decision.candidates[0][0] == "medical_insurance"
    assert decision.abstained and decision.reason == "assumed", decision


def test_the_second_opinion_settles_a_close_call_only_when_it_agrees(kb: KnowledgeBase) -> None:
    t = kb.decider.thresholds
    tokens = kb.notion_tokens("交了6年能领多久")
    close = [("duration", 20.0), ("review_time", 19.5)]
    assert kb.decider.decide(tokens, close).reason == "margin"
    sure = Opinion("duration", t.agreement)
    assert kb.decider.decide(tokens, close, sure).entry_id == "duration"
    unsure = Opinion("duration", t.agreement - 0.01)
    assert kb.decider.decide(tokens, close, unsure).reason == "margin"
    # Agreement settles a close call; it does not make up for what the entry does not cover.
    uncovered = kb.notion_tokens("住房补贴去哪申请")
    fund = [("housing_fund_pointer", 30.0)]
    assert kb.decider.decide(uncovered, fund, Opinion("housing_fund_pointer", 1.0)).abstained


def test_a_sure_second_opinion_for_another_entry_offers_both_readings(kb: KnowledgeBase) -> None:
    t = kb.decider.thresholds
    tokens = kb.notion_tokens("交了6年能领多久")
    clear = [("duration", 20.0), ("review_time", 10.0)]
    assert kb.decider.decide(tokens, clear, Opinion("review_time", t.disagreement - 0.01)).entry_id == "duration"
    split = kb.decider.decide(tokens, clear, Opinion("review_time", t.disagreement))
    assert split.abstained and split.reason == "disagree"
    assert suggested_topics(split.reason, split.candidates, t.min_score) == ["duration", "review_time"]
    # An entry the ranking did not put first three is no reading of this question.
    assert kb.decider.decide(tokens, clear, Opinion("benefit_amount", 1.0)).entry_id == "duration"


def test_the_second_opinion_reads_the_entries_own_questions(kb: KnowledgeBase) -> None:
    # Trained on titles, sample questions and keywords: each title is its own entry's (nearly always).
    own = [kb.second_opinion.opinion(entry.title) for entry in kb.entries]
    right = sum(o is not None and o.entry_id == entry.id for o, entry in zip(own, kb.entries, strict=True))
    assert right >= 0.95 * len(kb.entries)
    assert kb.second_opinion.opinion("") is None
    marks = kb.second_opinion.opinion("？？")  # a question mark is in every entry: no opinion to speak of
    assert marks is not None and marks.probability < kb.decider.thresholds.agreement


def test_a_keyword_of_several_words_counts_only_whole(kb: KnowledgeBase) -> None:
    # "告社保局" is cut 告 / 经办机构: a question with only one of them does not name the keyword.
    phrase = ("告", "经办机构")
    position = [entry.id for entry in kb.entries].index("appeal_review")
    assert phrase in kb.decider._keywords[position]
    assert kb.decider._reverse(["告", "经办机构"], position) == 1.0
    assert kb.decider._reverse(["经办机构"], position) < 1.0


def test_the_second_opinion_does_not_vouch_for_a_question_with_a_word_no_entry_uses(kb: KnowledgeBase) -> None:
    # The classifier reads only words it was trained on: on "宝宝户口…" it sees 户口 alone.
    tokens = kb.notion_tokens("宝宝户口怎么迁")
    assert "宝宝" in kb.decider.notions(tokens) and "宝宝" not in kb._known_tokens
    close = [("nonlocal_hukou", 20.0), ("apply_place_insured", 19.5)]
    assert kb.decider.decide(tokens, close, Opinion("nonlocal_hukou", 1.0)).abstained


def test_a_notion_the_entry_never_mentions_passes_only_with_the_second_opinion(kb: KnowledgeBase) -> None:
    # 签证 is no word of the emigration entry: the question may be about visas, not about leaving the country.
    t = kb.decider.thresholds
    tokens = kb.notion_tokens("失业了出国旅游签证会被拒吗")
    clear = [("emigration_stop", 40.0), ("reapply", 20.0)]
    alone = kb.decider.decide(tokens, clear)
    assert alone.abstained and alone.reason == "partial" and "签证" in alone.missing
    assert suggested_topics(alone.reason, alone.candidates, t.min_score) == ["emigration_stop"]
    unsure = Opinion("emigration_stop", t.partial_agreement - 0.01)
    assert kb.decider.decide(tokens, clear, unsure).reason == "partial"
    seconded = Opinion("emigration_stop", t.partial_agreement)
    assert kb.decider.decide(tokens, clear, seconded).entry_id == "emigration_stop"
    # A question the entry addresses word for word needs no second opinion.
    assert kb.decider.decide(kb.notion_tokens("出国定居了失业金还能领吗"), clear).entry_id == "emigration_stop"


def test_the_second_opinion_reads_a_question_about_the_window_as_the_decision_does(kb: KnowledgeBase) -> None:
    # 被裁 would make it a layoff question; the decision reads "left two months ago, too late now?" as 申领期限.
    question = "我两个月前被裁了，现在申请会不会过期"
    raw = kb.second_opinion.opinion(question)
    assert raw is not None and raw.probability < kb.decider.thresholds.partial_agreement
    opinion = kb.opinion(question)
    assert opinion is not None and opinion.entry_id == "sixty_day_window"
    assert opinion.probability >= kb.decider.thresholds.agreement


def test_a_number_in_words_is_a_fact_not_a_notion(kb: KnowledgeBase) -> None:
    # read_numbers leaves "五十五" as it is when no unit follows ("我今年五十五了").
    notions = kb.decider.notions(kb.notion_tokens("我今年五十五了，快退休了"))
    assert "五十五" not in notions and "退休" in notions


def test_the_way_one_left_is_the_situation_when_the_question_asks_how_long(kb: KnowledgeBase) -> None:
    # 辞退 is why the person asks; "能领几个月" is what: the duration entry need not name dismissal.
    tokens = kb.notion_tokens("交了4年社保，被辞退了能领几个月")
    ranked = [("economic_compensation", 57.0), ("duration", 55.0)]
    decision = kb.decider.decide(tokens, ranked)
    assert decision.entry_id == "duration", decision
    # Without a question of how long or how much, leaving is what the question is about.
    plain = kb.decider.decide(kb.notion_tokens("被辞退了能领失业金吗"), [("duration", 40.0)])
    assert plain.entry_id != "duration"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("我交了11年多一点，能领多久", "duration"),  # 多一点 hedges the figure: no notion of its own
        ("我上个月被辞退，月薪6千5，失业金一个月能领多少", "benefit_amount"),  # 月薪 is 工资
    ],
)
def test_the_words_of_a_persons_figures_are_no_notions(kb: KnowledgeBase, on: date, question: str, entry: str) -> None:
    decision, _ = kb.decide(question, None, on=on)
    assert decision.entry_id == entry, decision


def test_an_aspect_is_matched_whole(kb: KnowledgeBase) -> None:
    # The duration entry speaks of "多少个月": it shares 多少 with 多少钱, and answers the other question.
    position = [entry.id for entry in kb.entries].index("duration")
    assert kb.decider._credit("多少钱", position) == 0.0
    assert kb.decider.decide(kb.notion_tokens("交了6年能领多少钱"), [("duration", 40.0)]).entry_id is None


def test_a_figure_settles_a_close_call_only_for_what_it_determines(kb: KnowledgeBase) -> None:
    # "断了三个月" is a figure, but the question asks neither how long nor how much: three entries
    # within a point of each other stay a close call.
    tokens = kb.notion_tokens("社保断了三个月还能领失业金吗")
    close = [("pension_contribution_gap", 24.5), ("duration", 24.3), ("eligibility", 24.3)]
    assert kb.decider.decide(tokens, close).reason == "margin"
