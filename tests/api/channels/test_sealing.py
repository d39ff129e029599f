"""The pending question's seal (api/channels/sealing.py): opens only with its key, for its own row."""

from __future__ import annotations

import pytest

from api.channels.sealing import PREFIX, QuestionSeal, Unreadable

QUESTION = "身份证110105199003070025，手机13800001234，失业金怎么领"
ROW = {"sender": "wx:oSeal", "dedup_key": "late:wx:msg:1"}


def test_sealed_text_opens_to_the_question_and_differs_each_time() -> None:
    seal = QuestionSeal("a-secret-key-for-this-test-only-000")
    first, second = seal.seal(QUESTION, **ROW), seal.seal(QUESTION, **ROW)
    assert first.startswith(PREFIX) and first != second  # a fresh nonce each time
    assert seal.open(first, **ROW) == seal.open(second, **ROW) == QUESTION


def test_another_key_cannot_open_it() -> None:
    sealed = QuestionSeal("a-secret-key-for-this-test-only-000").seal(QUESTION, **ROW)
    with pytest.raises(Unreadable):
        QuestionSeal("a-secret-key-for-this-test-only-001").open(sealed, **ROW)


@pytest.mark.parametrize("other", [{"sender": "wx:oOther"}, {"dedup_key": "late:wx:msg:2"}])
def test_a_sealed_question_copied_into_another_row_does_not_open(other: dict[str, str]) -> None:
    seal = QuestionSeal("a-secret-key-for-this-test-only-000")
    sealed = seal.seal(QUESTION, **ROW)
    with pytest.raises(Unreadable):
        seal.open(sealed, **{**ROW, **other})


def test_an_altered_text_does_not_open() -> None:
    seal = QuestionSeal("a-secret-key-for-this-test-only-000")
    sealed = seal.seal(QUESTION, **ROW)
    at = len(PREFIX) + 20  # inside the nonce: a whole base64 character, no padding bits
    flipped = sealed[:at] + ("A" if sealed[at] != "A" else "B") + sealed[at + 1 :]
    with pytest.raises(Unreadable):
        seal.open(flipped, **ROW)
    with pytest.raises(Unreadable):
        seal.open(PREFIX + "not base64!", **ROW)
