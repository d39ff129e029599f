"""Size limits on what a channel accepts, checked before anything is parsed."""

from __future__ import annotations

from fastapi import Request

from api.errors import AppError


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


async def read_limited_body(request: Request, limit: int) -> bytes:
    """The request body, refused with a 413 as soon as it exceeds `limit` bytes.

    The declared Content-Length is checked first; a chunked body is counted as it
    streams in, so an oversized upload is never held in memory whole.
    """
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise AppError("Content-Length 不是数字", code="bad_request") from None
        if size > limit:
            raise PayloadTooLarge(f"内容过大（超过 {limit} 字节）")
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise PayloadTooLarge(f"内容过大（超过 {limit} 字节）")
        chunks.append(chunk)
    return b"".join(chunks)
