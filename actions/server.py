"""The action server, behind a shared secret: `python -m actions.server --port 5055`.

rasa-sdk 3.6 has no authentication: anyone who reaches /webhook can run any action
with a tracker of their choosing. This entry point builds the same Sanic app
(rasa_sdk.endpoint.create_app) and refuses every request but GET /health without
`Authorization: Bearer <ACTION_SERVER_TOKEN>` (compared in constant time), the
header Rasa sends from bot/endpoints*.yml. /health stays open (it says only "ok")
so the gateway can probe it. It listens on 127.0.0.1 unless --host says otherwise
(compose: 0.0.0.0 inside the private network, never published). Without a token it
does not start.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME, DEFAULT_SERVER_PORT
from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from actions import api_client
from actions.api_client import current_request_id

TOKEN_ENV = "ACTION_SERVER_TOKEN"
OPEN_PATHS = frozenset({"/health"})


def secured_app(token: str, actions_package: str = "actions") -> Sanic:
    """rasa-sdk's app with every route but /health behind the bearer token."""
    if not token:
        raise SystemExit(f"{TOKEN_ENV} is not set: the action server does not run without authentication")
    expected = f"Bearer {token}".encode()
    # No CORS: only Rasa calls this server, never a browser.
    app = create_app(actions_package, cors_origins=None)

    @app.middleware("request")
    async def require_secret(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS and request.method == "GET":
            return None
        if not hmac.compare_digest(request.headers.get("authorization", "").encode(), expected):
            return response.json({"error": "unauthorized"}, status=401)
        # Sanic runs request middleware and the handler in one task, so the id set here is the one
        # the action's API calls send (the API validates it again). Set on every request, None
        # included: keep-alive requests share a task, and one turn's id must not leak into the next.
        current_request_id.set(request_id_of(request))
        return None

    @app.listener("after_server_stop")
    async def close_api_client(_app: Sanic, _loop: object) -> None:
        # Each worker's keep-alive connections to the API end with it, not at interpreter exit.
        await api_client.aclose()

    return app


def request_id_of(request: Request) -> str | None:
    """The gateway's request id: tracker.latest_message.metadata.request_id of an action call."""
    try:
        body = request.json
    except InvalidUsage:  # not JSON: rasa-sdk answers it with its own error
        return None
    tracker = body.get("tracker") if isinstance(body, dict) else None
    latest = (tracker or {}).get("latest_message") if isinstance(tracker, dict) else None
    metadata = (latest or {}).get("metadata") if isinstance(latest, dict) else None
    value = metadata.get("request_id") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and len(value) <= 64 else None


def main() -> None:
    parser = argparse.ArgumentParser(description="the assistant's action server (authenticated)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=DEFAULT_SERVER_PORT)
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--loglevel", default="INFO")
    args = parser.parse_args()
    utils.configure_colored_logging(args.loglevel)
    logging.getLogger(APPLICATION_ROOT_LOGGER_NAME).setLevel(args.loglevel)
    utils.update_sanic_log_level()
    app = secured_app(os.environ.get(TOKEN_ENV, "").strip(), args.actions)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
