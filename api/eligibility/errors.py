"""Eligibility errors (rendered by api/errors.py)."""

from __future__ import annotations

from api.errors import ValidationFailed


class IncoherentRequest(ValidationFailed):
    """`errors`: field path → Chinese reason, from policy_kb.request_field_errors."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("请求中的日期或数字相互矛盾：" + "；".join(errors.values()), fields=errors)
