"""Answer errors (rendered by api/errors.py)."""

from __future__ import annotations

from api.errors import ValidationFailed


class EmptyQuestion(ValidationFailed):
    def __init__(self) -> None:
        super().__init__("请输入要咨询的问题", fields={"message": "不能为空"})
