"""Normalisation and tokens: traditional characters, numerals, synonyms, the domain dictionary."""

from __future__ import annotations

import pytest

from policy_kb.kb.text import DICTIONARY_PATH, TextProcessor, char_ngrams


@pytest.fixture(scope="module")
def text() -> TextProcessor:
    return TextProcessor()


def test_traditional_characters_become_simplified(text: TextProcessor) -> None:
    assert text.tokens("領失業金期間醫保誰交") == text.tokens("领失业金期间医保谁交")


def test_chinese_numerals_before_units_are_read(text: TextProcessor) -> None:
    assert text.normalize("交了十一年") == "交了11年"
    assert text.normalize("二十个工作日") == "20个工作日"
    assert text.normalize("两个月没签到").startswith("2个月")
    assert "12" in text.normalize("十二个月")


def test_synonyms_map_to_one_form(text: TextProcessor) -> None:
    assert "失业保险金" in text.tokens("失业金")
    assert "资格核验" in text.tokens("这个月忘了签到")
    assert "资格核验" in text.tokens("打卡")
    assert "医疗保险" in text.tokens("医保")
    # The canonical form is not rewritten again (核验 inside 资格核验).
    assert text.tokens("资格核验") == ["资格核验"]


def test_synonyms_with_numerals_match_after_the_numerals_are_read(text: TextProcessor) -> None:
    # 一次 reads as 1次 before synonyms apply; the variant 一次全 must still be found.
    assert text.normalize("能不能把失业金一次全取出来") == text.normalize("能不能把失业金一次性取出来")


def test_domain_words_stay_whole(text: TextProcessor) -> None:
    tokens = text.tokens("稳岗返还和减员不离岗以及按月申领、代缴、补发")
    for word in ("稳岗返还", "减员不离岗", "按月申领", "代缴", "补发"):
        assert word in tokens


def test_unknown_words_back_off_to_known_parts(text: TextProcessor) -> None:
    assert text.back_off(["手机申领"], {"手机", "申领"}) == ["手机", "申领"]
    assert text.back_off(["手机申领"], {"手机申领"}) == ["手机申领"]


def test_dictionary_is_in_jieba_format() -> None:
    for line in DICTIONARY_PATH.read_text(encoding="utf-8").splitlines():
        word, freq, tag = line.split(" ")
        assert word and freq.isdigit() and tag.isalpha()


def test_char_bigrams_survive_a_typo() -> None:
    assert set(char_ngrams(["失业保险金"])) & set(char_ngrams(["失叶保险金"]))


def test_kept_tokens_are_the_cut_and_a_caller_cannot_change_them(text: TextProcessor) -> None:
    first = text.tokens("失业金怎么申请")
    first.append("被调用方改动")
    again = text.tokens("失业金怎么申请")
    assert "被调用方改动" not in again
    assert again == [t for t in text._tokenizer.lcut(text.normalize("失业金怎么申请"), HMM=True) if t.strip()]
