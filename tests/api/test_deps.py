"""Routes take what the lifespan built through the `Annotated` dependencies of api/deps.py.

Reading `request.app.state` in a route hides the type and the dependency; only the
providers (api/deps.py, the domains' deps.py loaders, api/db.py) may. In api/channels and
api/chat no module reads it but the providers: the start-up hook that builds the channels'
runtime (api/channels/runtime.py) and its dependency (api/channels/deps.py). api/console is
still to convert (issue 15).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_YET = ("console",)
ROUTES = [p for p in sorted((ROOT / "api").rglob("views.py")) if p.relative_to(ROOT / "api").parts[0] not in NOT_YET]
ROUTES.append(ROOT / "api" / "metrics.py")
# Every module of the channels and the gateway, not only their views.
PROVIDERS = {ROOT / "api" / "channels" / "runtime.py", ROOT / "api" / "channels" / "deps.py"}
ROUTES += [
    p
    for package in ("channels", "chat")
    for p in sorted((ROOT / "api" / package).rglob("*.py"))
    if p not in PROVIDERS and p not in ROUTES and "__pycache__" not in p.parts
]


def state_reads(source: str) -> list[int]:
    return [n for n, line in enumerate(source.splitlines(), 1) if "app.state" in line]


def test_the_routes_are_found() -> None:
    assert {"claims", "tickets", "identity", "health", "wechat", "sms", "web", "chat"} <= {
        p.parent.name for p in ROUTES
    }


@pytest.mark.parametrize("path", ROUTES, ids=lambda p: str(p.relative_to(ROOT)))
def test_routes_do_not_read_app_state(path: Path) -> None:
    assert not state_reads(path.read_text(encoding="utf-8")), f"{path.relative_to(ROOT)} reads request.app.state"


def test_the_checker_sees_a_read() -> None:
    assert state_reads("x = 1\nsettings = request.app.state.settings\n") == [2]
