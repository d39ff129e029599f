"""What the lifespan (api/main.py) puts on app.state, as `Annotated` dependencies for the routes.

A route names what it needs (`settings: SettingsDep`) instead of reading `request.app.state`,
so the types are checked and a test can override one dependency. The getters are async on
purpose: a sync dependency costs a thread-pool hop on every request (api/auth.py measured it).
Domain objects built at start-up keep their own aliases beside their loaders
(`RuleBaseDep` in api/policy/deps.py, `KnowledgeBaseDep` in api/kb/deps.py,
`Limits` in api/tickets/deps.py, `SessionDep` in api/db.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.chat.rasa_client import RasaClient
from api.notify import SmsProvider
from api.settings import Settings


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_sessionmaker(request: Request) -> sessionmaker[Session]:
    """For work outside the request's session (a thread, a background task, its own commit)."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    return factory


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_redis(request: Request) -> Redis | None:
    """None where no REDIS_URL is configured (SQLite development and test stacks)."""
    redis: Redis | None = request.app.state.redis
    return redis


async def get_rasa(request: Request) -> RasaClient:
    rasa: RasaClient = request.app.state.rasa
    return rasa


async def get_sms(request: Request) -> SmsProvider:
    provider: SmsProvider = request.app.state.sms
    return provider


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionmakerDep = Annotated[sessionmaker[Session], Depends(get_sessionmaker)]
EngineDep = Annotated[Engine, Depends(get_engine)]
RedisDep = Annotated[Redis | None, Depends(get_redis)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
SmsDep = Annotated[SmsProvider, Depends(get_sms)]
