"""Fitting a reply into an approved SMS template (free text is never sent by SMS).

A dialogue answer rarely fits a template as it stands, so it is shortened into
REPLY_POINTER: a summary of at most 20 characters (the provider's variable
limit) followed by the template's fixed pointer to the WeChat account and 12333.
"""

from __future__ import annotations

import re
from dataclasses import replace

from api.channels.plugin import Draft
from api.notify.templates import get_template

POINTER_TEMPLATE = "REPLY_POINTER"
_URL = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
# Brackets are reserved for the signature (【…】); providers refuse them in variables.
_FORBIDDEN = re.compile(r"[【】\[\]{}<>$#\\]")
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = "，、,：:"
_TRAILING = "。！？；，、,.!?;:： "
FALLBACK_SUMMARY = "已收到您的咨询"


def _summary_limit() -> int:
    return get_template(POINTER_TEMPLATE).max_var_len


def shorten_summary(text: str) -> str:
    """At most the template variable's length: the first sentence if it fits, else its first
    clauses, else a cut marked "…"."""
    limit = _summary_limit()
    clean = _FORBIDDEN.sub("", _URL.sub("", text))
    clean = " ".join(clean.split())
    first = clean
    for i, ch in enumerate(clean):
        if ch in _SENTENCE_END:
            first = clean[:i]
            break
    first = first.strip(_TRAILING)
    if not first:
        return FALLBACK_SUMMARY
    if len(first) <= limit:
        return first
    clause = max(first.rfind(sep, 0, limit + 1) for sep in _CLAUSE_END)
    if clause >= limit // 2:  # whole clauses read better than a cut word
        return first[:clause]
    return first[: limit - 1].rstrip(_TRAILING) + "…"


def pointer_params(text: str) -> dict[str, str]:
    """Template variables of REPLY_POINTER for a free-text reply."""
    return {"summary": shorten_summary(text)}


def compose(draft: Draft) -> Draft:
    """How a message is queued for SMS: through its template, or free text shortened into
    REPLY_POINTER. The template is rendered now, so what the provider would refuse is refused
    when the message is queued rather than when it is sent."""
    if draft.sms_template is None:
        draft = replace(draft, sms_template=POINTER_TEMPLATE, sms_params=pointer_params(draft.text))
    get_template(draft.sms_template or POINTER_TEMPLATE).render(draft.sms_params or {})
    return draft
