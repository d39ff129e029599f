"""Policy errors (rendered by api/errors.py): the same wherever a region is accepted
(contracts.md: an unknown name is a 422)."""

from __future__ import annotations

from api.errors import ValidationFailed
from policy_kb import UnknownRegionError


class UnknownRegion(ValidationFailed):
    """policy_kb could not resolve the code or name; its Chinese message names what was given."""

    def __init__(self, error: UnknownRegionError, *, field: str = "region") -> None:
        super().__init__(error.message_zh, fields={field: error.message_zh})


class EmptyRegion(ValidationFailed):
    """`region` given but blank: a 422 rather than a silent national answer."""

    def __init__(self) -> None:
        super().__init__("地区不能为空", fields={"region": "请填写地区代码或名称，或不传此参数"})


class IncoherentRequest(ValidationFailed):
    """`errors`: field path → Chinese reason, from policy_kb.request_field_errors."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("请求中的日期或数字相互矛盾：" + "；".join(errors.values()), fields=errors)
