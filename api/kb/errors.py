"""Knowledge base search errors (rendered by api/errors.py)."""

from __future__ import annotations

from api.errors import ValidationFailed


class EmptyQuery(ValidationFailed):
    """`field` is the request field that held the text (text, q, …)."""

    def __init__(self, field: str) -> None:
        super().__init__("请输入要查询的问题", fields={field: "不能为空"})
