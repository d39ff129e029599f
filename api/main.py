"""The FastAPI application: built by create_app(), resources opened in the lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from redis.asyncio import Redis

from api.chat.rasa_client import RasaClient
from api.db import make_engine, make_sessionmaker
from api.errors import document_error_shape, install_error_handlers
from api.inputs import InputGuard
from api.logs import configure_logging
from api.metrics import MetricsMiddleware
from api.metrics import router as metrics_router
from api.notify.providers import build_sms_provider
from api.privacy import install_log_masking
from api.request_id import RequestIdMiddleware
from api.routers import ROUTERS
from api.settings import Settings, load_settings
from api.startup import SHUTDOWN_HOOKS, STARTUP_HOOKS

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        conf = settings or load_settings()
        install_log_masking()
        configure_logging(log_format=conf.log_format, level=conf.log_level)
        # Sync routes, their dependencies' clean-up and response validation all take a token of
        # this limiter. A request holding a database transaction must never wait for a token held
        # by requests waiting for that transaction (pool or SQLite lock), so allow far more
        # threads than the database pool has connections.
        to_thread.current_default_thread_limiter().total_tokens = conf.thread_pool_size
        engine = make_engine(conf.database_url)
        app.state.settings = conf
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.redis = Redis.from_url(conf.redis_url) if conf.redis_url else None
        app.state.rasa = RasaClient(
            conf.rasa_url,
            token=conf.rasa_token,
            timeout=conf.rasa_timeout_seconds,
            tracker_store=app.state.redis,
            action_server_url=conf.action_server_url,
        )
        app.state.rasa.start_health_probe()
        app.state.sms = build_sms_provider(conf)
        for hook in STARTUP_HOOKS:
            hook(app)
        try:
            yield
        finally:
            for close in SHUTDOWN_HOOKS:
                await close(app)
            await app.state.rasa.aclose()
            if app.state.redis is not None:
                await app.state.redis.aclose()
            engine.dispose()

    app = FastAPI(
        title="失业保险服务 API",
        version="0.1.0",
        description="失业保险金咨询、资格核验、接诉即办工单与政策规则服务。",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Checks every request's text (UTF-8, lone surrogates, size) before any route parses it.
    app.add_middleware(InputGuard)
    # Added last, so outermost: a request InputGuard refuses is still timed and carries its id.
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestIdMiddleware)
    document_error_shape(app)
    for router in ROUTERS:
        app.include_router(router)
    # Not in ROUTERS (and not in the OpenAPI document): an operations endpoint, not the product's API.
    app.include_router(metrics_router)
    return app


app = create_app()
