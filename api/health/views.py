"""Liveness and readiness: which part failed, in the body."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

router = APIRouter(tags=["健康检查"])


@router.get("/healthz", summary="进程存活")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _check_database(request: Request) -> dict[str, Any]:
    # A bare DBAPI round trip: no transaction, so it neither takes nor waits for SQLite's write lock.
    try:
        raw = request.app.state.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        finally:
            raw.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


async def _check_redis(request: Request) -> dict[str, Any]:
    redis = request.app.state.redis
    if redis is None:
        return {"ok": True, "configured": False}
    try:
        await asyncio.wait_for(redis.ping(), timeout=2)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "configured": True, "error": type(exc).__name__}
    return {"ok": True, "configured": True}


async def _check_rasa(request: Request) -> dict[str, Any]:
    ok, error = await request.app.state.rasa.is_ready()
    return {"ok": ok} if ok else {"ok": False, "error": error}


@router.get("/readyz", summary="依赖就绪（数据库、Redis、对话引擎）")
async def readyz(request: Request) -> JSONResponse:
    checks = {
        "database": await run_in_threadpool(_check_database, request),
        "redis": await _check_redis(request),
        "dialogue_engine": await _check_rasa(request),
    }
    ready = all(c["ok"] for c in checks.values())
    failed = [name for name, c in checks.items() if not c["ok"]]
    body = {"status": "ready" if ready else "not_ready", "failed": failed, "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
