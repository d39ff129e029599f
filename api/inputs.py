"""Every request's text checked once, before any route reads it: valid UTF-8, no lone surrogates, bounded size.

A lone surrogate (JSON `"\\ud800"`) parses into a Python string that can never be encoded
again: it used to reach an error message or a database driver and end as a 500. Invalid
UTF-8 was silently replaced (forms, query) or became FastAPI's English "error parsing the
body". Both are refused here for every route, query string and body (JSON, forms, anything
else), with a 422 in the contracts' error shape naming the field; bodies over MAX_BODY_BYTES
are a 413 before they are read in full. A pure ASGI middleware: the checked body is handed on
unchanged, and any later message (a disconnect) still comes from the server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body, render_error

# The API takes no uploads: its largest legitimate body (a ticket with a long transcript) is far below this.
MAX_BODY_BYTES = 1024 * 1024
BAD_UTF8 = "不是有效的 UTF-8 文字"
LONE_SURROGATE = "含有无法识别的字符（不成对的代理字符）"
NUL = "含有空字符（U+0000）"
# A JSON escape of a surrogate (\ud800-\udfff, paired or not) or of NUL: only then is the body parsed here.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:[dD][89a-fA-F]|0000)")
# A lone surrogate (a pair decodes to one character) or NUL, which no text field may hold.
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


class InvalidInput(Exception):
    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def _pair_fields(raw: bytes) -> dict[str, str]:
    """Problems of `a=1&b=2` pairs (a query string or a form body), by parameter name (or position)."""
    fields: dict[str, str] = {}
    for position, pair in enumerate(raw.split(b"&")):
        name, _, value = pair.partition(b"=")
        try:
            key = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
            text = unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            fields[f"query[{position}]"] = BAD_UTF8
            continue
        if "\x00" in key or "\x00" in text:
            fields[key.replace("\x00", "") or f"query[{position}]"] = NUL
    return fields


def _unstorable(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(path a.b.0.c, problem) of every key or string in a parsed JSON value holding a lone surrogate or NUL."""
    if isinstance(value, str):
        if (found := _UNSTORABLE.search(value)) is not None:
            yield path or "body", NUL if found.group() == "\x00" else LONE_SURROGATE
    elif isinstance(value, dict):
        for key, item in value.items():
            if (found := _UNSTORABLE.search(str(key))) is not None:
                yield path or "body", NUL if found.group() == "\x00" else LONE_SURROGATE
            else:
                yield from _unstorable(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unstorable(item, f"{path}.{index}" if path else str(index))


def _refusal(what: str, fields: dict[str, str]) -> InvalidInput:
    problem = "、".join(dict.fromkeys(fields.values()))
    return InvalidInput(422, f"{what}{problem}，请检查后重新提交。", fields)


def check_body(body: bytes, content_type: str = "") -> None:
    """Raise InvalidInput for a body that is not UTF-8 text, or whose fields hold a lone surrogate or NUL."""
    if not body:
        return
    if content_type.startswith("application/x-www-form-urlencoded"):
        if fields := _pair_fields(body):
            raise _refusal("表单内容", fields)
        return
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _refusal("请求内容", {"body": BAD_UTF8}) from None
    if "\x00" in text:
        raise _refusal("请求内容", {"body": NUL})
    if not _SUSPECT_ESCAPE.search(body):
        return
    try:
        parsed = json.loads(text)
    except ValueError:
        return  # not JSON: a route that expects JSON reports that itself
    if fields := dict(_unstorable(parsed)):
        raise _refusal("请求内容", fields)


def check_query(raw: bytes) -> None:
    if raw and (fields := _pair_fields(raw)):
        raise _refusal("网址中的查询参数", fields)


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return bytes(value).decode("latin-1").strip().lower()
    return ""


def _declared_length(scope: Scope) -> int | None:
    value = _header(scope, b"content-length")
    return int(value) if value.isdigit() else None


TOO_LARGE = f"请求内容过大（上限 {MAX_BODY_BYTES // 1024 // 1024} MB），请精简后重新提交。"


class InputGuard:
    """ASGI middleware: read the body once, check it and the query string, then hand both on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_query(scope.get("query_string", b""))
            declared = _declared_length(scope)
            if declared is not None and declared > MAX_BODY_BYTES:
                raise InvalidInput(413, TOO_LARGE)
            body, more = await _read_body(receive)
            check_body(body, _header(scope, b"content-type"))
        except InvalidInput as exc:
            await _refuse(send, exc)
            return
        if more is not None:  # the client went away while sending: nothing to answer
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, or (partial, the disconnect message) if the client left mid-way."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise InvalidInput(413, TOO_LARGE)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, receive: Receive) -> Receive:
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # http.disconnect, when the server sees one

    return replay


async def _refuse(send: Send, exc: InvalidInput) -> None:
    code = "payload_too_large" if exc.status == 413 else "validation_error"
    content = render_error(error_body(code, exc.message, exc.fields))
    await send(
        {
            "type": "http.response.start",
            "status": exc.status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": content})
