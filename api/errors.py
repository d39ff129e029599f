"""Typed errors and the one handler that renders them.

Every 4xx/5xx leaves the API as {"error": {"code", "message", "fields"}}
(contracts.md). Domains raise subclasses of AppError; nothing builds error
dicts by hand.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 400
    code = "bad_request"
    # A domain error with a fixed text sets it here (`class TicketNotFound(NotFoundError): message = "…"`).
    message = ""

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status_code: int | None = None,
        fields: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        text = self.message if message is None else message
        super().__init__(text)
        self.message = text
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.fields = fields or {}
        # Keys added to the error object beside code/message/fields (e.g. how long a lockout lasts),
        # and response headers (Retry-After).
        self.extra = extra or {}
        self.headers = headers or {}


class ValidationFailed(AppError):
    status_code = 422
    code = "validation_error"


class NotFoundError(AppError):
    status_code = 404
    code = "not_found"


class ConflictError(AppError):
    status_code = 409
    code = "conflict"


class UnauthorizedError(AppError):
    status_code = 401
    code = "unauthorized"


class ForbiddenError(AppError):
    status_code = 403
    code = "forbidden"


class TooManyRequests(AppError):
    status_code = 429
    code = "rate_limited"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "service_unavailable"


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def render_error(body: dict[str, Any]) -> bytes:
    """JSON bytes of an error body that always encode: a message may quote what the caller sent."""
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.encode("utf-8", "replace")


class ErrorResponse(JSONResponse):
    """The error shape as a response; rendering it can never fail (see render_error)."""

    def render(self, content: Any) -> bytes:
        return render_error(content)


_PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "date_from_datetime_parsing": "应为日期 YYYY-MM-DD",
    "date_parsing": "应为日期 YYYY-MM-DD",
    "date_type": "应为日期 YYYY-MM-DD",
    "datetime_parsing": "应为带时区的时间 (ISO 8601)",
    "datetime_type": "应为带时区的时间 (ISO 8601)",
    "timezone_aware": "时间必须带时区",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "string_too_short": "内容过短",
    "string_too_long": "内容过长",
    "too_long": "条目过多",
    "string_pattern_mismatch": "格式不正确",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
}


_HTTP_MESSAGES = {
    400: "请求格式有误，请检查后重新提交。",
    401: "请先登录或提供访问令牌",
    403: "当前账号没有此操作的权限",
    404: "没有这个地址",
    405: "不支持这种请求方法",
    413: "内容过大",
    415: "不支持这种内容类型",
}
# Starlette's and FastAPI's own (English) details, by how they begin.
_FRAMEWORK_DETAILS = (
    ("There was an error parsing the body", "请求内容无法解析，请检查 JSON 或表单格式后重新提交。"),
    ("Field exceeded maximum size", "表单中某一项内容过大（上限 1 MB），请精简后重新提交。"),
    ("Part exceeded maximum size", "表单中某一项内容过大（上限 1 MB），请精简后重新提交。"),
    ("Too many fields", "表单项过多，请检查后重新提交。"),
    ("Too many files", "不接受上传文件。"),
    ("Missing boundary", "表单格式有误（缺少分隔符），请检查后重新提交。"),
    ('The Content-Disposition header field "name"', "表单格式有误（缺少字段名），请检查后重新提交。"),
)
_CJK = re.compile(r"[\u3400-\u9fff]")


def http_message(status_code: int, detail: str) -> str:
    """A Chinese message for an HTTPException: ours are Chinese already, the framework's are translated."""
    if _CJK.search(detail):
        return detail
    for prefix, message in _FRAMEWORK_DETAILS:
        if detail.startswith(prefix):
            return message
    return _HTTP_MESSAGES.get(status_code, "请求未能处理，请检查后重试。")


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_fields(errors: list[Any]) -> dict[str, str]:
    """Chinese message per field path, from pydantic's error list."""
    fields: dict[str, str] = {}
    for err in errors:
        name = _field_name(tuple(err.get("loc", ())))
        msg = err.get("msg", "")
        if err.get("type") == "json_invalid":
            # loc is ("body", <character offset>): the field is the body itself.
            name = "body"
        if err.get("type") == "value_error":
            # Our own validators raise ValueError with a Chinese message.
            text = str(msg).removeprefix("Value error, ")
        else:
            text = _PYDANTIC_MESSAGES.get(err.get("type", ""), "格式不正确")
        fields.setdefault(name, text)
    return fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        body = error_body(exc.code, exc.message, exc.fields)
        body["error"].update({k: v for k, v in exc.extra.items() if k not in body["error"]})
        return ErrorResponse(body, exc.status_code, headers=exc.headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = validation_fields(list(exc.errors()))
        summary = "；".join(f"{k}：{v}" for k, v in list(fields.items())[:3])
        return ErrorResponse(error_body("validation_error", f"请求内容有误（{summary}）", fields), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return ErrorResponse(
            error_body(f"http_{exc.status_code}", http_message(exc.status_code, str(exc.detail))),
            exc.status_code,
            headers=exc.headers,
        )

    @app.exception_handler(OperationalError)
    async def _db_down(_: Request, exc: OperationalError) -> JSONResponse:
        # The database is unreachable: the request's transaction was rolled back.
        log.error("database unavailable: %s: %s", type(exc.orig).__name__, str(exc.orig).strip()[:200])
        return ErrorResponse(error_body("database_unavailable", "系统暂时无法处理，请稍后再试或拨打12333。"), 503)

    async def _redis_down(_: Request, exc: Exception) -> JSONResponse:
        # Redis (rate limits, de-duplication, conversation state) is unreachable: fail closed, never a 500.
        log.error("redis unavailable: %s", type(exc).__name__)
        return ErrorResponse(error_body("service_unavailable", "系统暂时无法处理，请稍后再试或拨打12333。"), 503)

    app.add_exception_handler(RedisConnectionError, _redis_down)
    app.add_exception_handler(RedisTimeoutError, _redis_down)

    async def _out_of_range(_: Request, exc: Exception) -> JSONResponse:
        # A value the database cannot hold or compare (a 2**70 id on SQLite, an over-long string on
        # PostgreSQL): the input is at fault, the request's transaction was rolled back.
        log.warning("value out of range for the database: %s", type(exc).__name__)
        return ErrorResponse(error_body("value_out_of_range", "输入的数值或文字超出允许范围，请检查后重试。"), 422)

    app.add_exception_handler(DataError, _out_of_range)
    app.add_exception_handler(OverflowError, _out_of_range)

    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A defect, not bad input: still the contracts' shape and Chinese (the server logs the trace).
        log.error("unhandled %s", type(exc).__name__)
        return ErrorResponse(error_body("internal_error", "系统内部错误，请稍后再试或拨打12333。"), 500)

    app.add_exception_handler(Exception, _unexpected)


ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string", "description": "中文说明"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def document_error_shape(app: FastAPI) -> None:
    """Make the OpenAPI document describe 422s as they are sent ({"error": …}, not FastAPI's {"detail": …})."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schemas = schema.get("components", {}).get("schemas", {})
            if "HTTPValidationError" in schemas:
                schemas["HTTPValidationError"] = ERROR_SCHEMA
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
