"""Liveness and readiness: which part failed, in the body."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from api.chat.rasa_client import RasaClient
from api.deps import EngineDep, RasaDep, RedisDep

router = APIRouter(tags=["健康检查"])


@router.get("/healthz", summary="进程存活")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


def _check_database(engine: Engine) -> dict[str, Any]:
    # A bare DBAPI round trip: no transaction, so it neither takes nor waits for SQLite's write lock.
    try:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
        finally:
            raw.close()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported by name
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True}


async def _check_redis(redis: Redis | None) -> dict[str, Any]:
    if redis is None:
        return {"ok": True, "configured": False}
    try:
        await asyncio.wait_for(redis.ping(), timeout=2)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "configured": True, "error": type(exc).__name__}
    return {"ok": True, "configured": True}


async def _check_rasa(rasa: RasaClient) -> dict[str, Any]:
    ok, error = await rasa.is_ready()
    return {"ok": ok} if ok else {"ok": False, "error": error}


@router.get("/readyz", summary="依赖就绪（数据库、Redis、对话引擎）")
async def readyz(engine: EngineDep, redis: RedisDep, rasa: RasaDep) -> JSONResponse:
    checks = {
        "database": await run_in_threadpool(_check_database, engine),
        "redis": await _check_redis(redis),
        "dialogue_engine": await _check_rasa(rasa),
    }
    ready = all(c["ok"] for c in checks.values())
    failed = [name for name, c in checks.items() if not c["ok"]]
    body = {"status": "ready" if ready else "not_ready", "failed": failed, "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)
