"""Import arrows between the product packages point down only.

policy_kb (rules and their interpretation) is the lowest layer; api (storage,
orchestration, HTTP) builds on it; actions (the Rasa action server) talk to the
API over HTTP only; bot (the Rasa project's components and channels) ships
without policy_kb and api. No product package imports the test, bench or devtools code;
devtools (the process starter tests and benches share) imports neither tests nor bench.

Every module's imports are read with ``ast`` (no import is executed): top-level and
function-level ``import``/``from ... import`` statements, and ``importlib.import_module``
or ``__import__`` calls with a literal name. Relative imports stay inside their own
package and are not checked.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# devtools/ (starting the product's processes) is shared by tests/ and bench/, which may import it.
NOT_PRODUCT = frozenset({"tests", "bench", "scripts", "devtools"})
# package -> top-level packages it must not import
FORBIDDEN: dict[str, frozenset[str]] = {
    "policy_kb": frozenset({"api", "actions", "bot"}) | NOT_PRODUCT,
    "api": frozenset({"actions", "bot"}) | NOT_PRODUCT,
    # The action server calls the API over HTTP; its image ships neither api nor policy_kb.
    "actions": frozenset({"api", "policy_kb"}) | NOT_PRODUCT,
    "bot": frozenset({"api", "policy_kb"}) | NOT_PRODUCT,
    # Development tools start the product; they never reach into the tests or the benches.
    "devtools": frozenset({"actions", "bot", "tests", "bench", "scripts"}),
}
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})


def imported_names(source: str, filename: str = "<source>") -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`."""
    tree = ast.parse(source, filename=filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            value = node.args[0].value if isinstance(node.args[0], ast.Constant) else None
            if name in ("import_module", "__import__") and isinstance(value, str) and not value.startswith("."):
                yield node.lineno, value


def violations(package: str, path: Path, source: str) -> list[str]:
    banned = FORBIDDEN[package]
    found = []
    for line, name in sorted(imported_names(source, str(path))):
        top = name.split(".")[0]
        if top in banned:
            found.append(f"{path.relative_to(ROOT) if path.is_absolute() else path}:{line}: {package} imports {name}")
    return found


def modules(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
            yield path


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_points_up(package: str) -> None:
    paths = list(modules(package))
    assert paths, f"no modules found under {package}/"
    found = [v for path in paths for v in violations(package, path, path.read_text(encoding="utf-8"))]
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_bench_reaches_the_stack_through_devtools() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in modules("bench")
        for line, name in imported_names(path.read_text(encoding="utf-8"), str(path))
        if name.startswith("tests.e2e")
    ]
    assert not found, "bench imports the end-to-end tests (use devtools.stack): " + ", ".join(found)


def test_products_may_not_import_devtools() -> None:
    found = violations("api", Path("api/example.py"), "from devtools.stack import Stack\n")
    assert [v.split(": ", 1)[1] for v in found] == ["api imports devtools.stack"]


def test_the_checker_sees_every_kind_of_import() -> None:
    source = """
import api.claims.models
from actions import checkin
from policy_kb import evaluate
from . import sibling

def later():
    import tests.conftest
    from bench.reminders import main
    importlib.import_module("bot.components")
"""
    found = violations("policy_kb", Path("policy_kb/example.py"), source)
    assert [v.split(": ", 1)[1] for v in found] == [
        "policy_kb imports api.claims.models",
        "policy_kb imports actions",
        "policy_kb imports tests.conftest",
        "policy_kb imports bench.reminders",
        "policy_kb imports bot.components",
    ]


# The action server's image is Rasa's SDK and its HTTP client, nothing else: aiohttp (and yarl,
# its URL type) for the API, sanic for the authenticated server that rasa_sdk itself builds on.
ACTIONS_MAY_USE = frozenset({"actions", "rasa_sdk", "sanic", "aiohttp", "yarl"})


def outside_libraries(source: str) -> set[str]:
    """Top-level names imported by `source` that are neither the standard library nor relative."""
    tops = {name.split(".")[0] for _, name in imported_names(source)}
    return {top for top in tops if top not in sys.stdlib_module_names and top != "__future__"}


def test_actions_use_only_the_sdk_and_the_http_client() -> None:
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in modules("actions")
        for name in outside_libraries(path.read_text(encoding="utf-8")) - ACTIONS_MAY_USE
    }
    assert not found, "the action server would need more than rasa_sdk and its HTTP client:\n" + "\n".join(found)


def test_the_library_check_sees_an_outside_import() -> None:
    assert outside_libraries("import requests\nimport json\nfrom aiohttp import web\n") == {"requests", "aiohttp"}


# ---- channels are plug-ins above the chat gateway (docs/architecture.md, "The message path") ----

CHANNEL_FOLDERS = sorted(
    p.name for p in (ROOT / "api" / "channels").iterdir() if p.is_dir() and (p / "channel.py").exists()
)


def test_the_gateway_imports_no_channel() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in modules("api/chat")
        for line, name in imported_names(path.read_text(encoding="utf-8"), str(path))
        if name == "api.channels" or name.startswith("api.channels.")
    ]
    assert not found, "the chat gateway imports a channel (channels call the gateway, never back):\n" + "\n".join(found)


def test_the_outbound_queue_imports_no_concrete_channel() -> None:
    assert {"web", "wechat", "sms"} <= set(CHANNEL_FOLDERS)
    path = ROOT / "api" / "channels" / "outbound.py"
    concrete = tuple(f"api.channels.{folder}" for folder in CHANNEL_FOLDERS)
    found = [
        f"line {line}: {name}"
        for line, name in imported_names(path.read_text(encoding="utf-8"), str(path))
        if name in concrete or name.startswith(tuple(c + "." for c in concrete))
    ]
    assert not found, (
        "api/channels/outbound.py imports a channel (look it up in api/channels/registry.py):\n" + "\n".join(found)
    )


def test_only_the_registry_imports_a_channel() -> None:
    """What every channel shares (the runtime, dedup, limits, pending replies …) knows no channel:
    a channel's own settings and run-time state live in its folder, built by its plug-in."""
    concrete = tuple(f"api.channels.{folder}" for folder in CHANNEL_FOLDERS)
    shared = [p for p in sorted((ROOT / "api" / "channels").glob("*.py")) if p.name != "registry.py"]
    assert any(p.name == "runtime.py" for p in shared)
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in shared
        for line, name in imported_names(path.read_text(encoding="utf-8"), str(path))
        if name in concrete or name.startswith(tuple(c + "." for c in concrete))
    ]
    assert not found, "a shared channels module imports a channel (add it to the plug-in instead):\n" + "\n".join(found)


def test_channel_settings_sit_below_everything_in_api() -> None:
    """api/settings.py takes a channel's settings section (e.g. wechat/settings.py) as a base class,
    so that section imports nothing from api: settings stay importable before anything else."""
    sections = sorted((ROOT / "api" / "channels").glob("*/settings.py"))
    assert [p.parent.name for p in sections] == ["wechat"]
    found = [
        f"{path.relative_to(ROOT)}:{line}: {name}"
        for path in sections
        for line, name in imported_names(path.read_text(encoding="utf-8"), str(path))
        if name.split(".")[0] == "api"
    ]
    assert not found, "a channel's settings section imports from api:\n" + "\n".join(found)


def test_every_channel_kind_is_registered() -> None:
    from api.channels.registry import CHANNELS
    from api.vocab import ChannelKind

    assert sorted(p.kind for p in CHANNELS) == sorted(ChannelKind)
    assert len(CHANNELS) == len(CHANNEL_FOLDERS), "a channel folder with a channel.py is missing from CHANNELS"


# ---- console pages call services only (docs/architecture.md, "Layers") -------------------------


def imported_objects(source: str, filename: str = "<source>") -> Iterator[tuple[int, str]]:
    """(line, "module.name") of every name imported with ``from module import name`` (absolute only)."""
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def console_reaches_past_services(source: str, filename: str = "<source>") -> list[str]:
    """What in a console module reaches storage itself: an ORM models module (api.<domain>.models,
    also as ``from api.<domain> import models``) or the audit writer (record_audit, record_transition)."""
    found = []
    names = [*imported_names(source, filename), *imported_objects(source, filename)]
    for line, name in sorted(set(names)):
        parts = name.split(".")
        if parts[0] == "api" and ("models" in parts[1:] or parts[-1] in ("record_audit", "record_transition")):
            found.append(f"line {line}: {name}")
    return found


def test_console_pages_call_services_only() -> None:
    found = [
        f"{path.relative_to(ROOT)} {v}"
        for path in modules("api/console")
        for v in console_reaches_past_services(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not found, (
        "a console page reads models or writes the audit trail itself (call the domain's service):\n" + "\n".join(found)
    )


def test_the_console_check_sees_models_and_audit_writes() -> None:
    source = """
from api.tickets.models import Ticket
from api.audit import record_audit
from api.claims import models
import api.staff.models
from api.audit.service import record_transition

def later():
    from api.channels.models import OutboundMessage
from api.tickets import service
from api.audit.search import AuditFilter
"""
    assert [v.split(": ", 1)[1] for v in console_reaches_past_services(source)] == [
        "api.tickets.models",
        "api.tickets.models.Ticket",
        "api.audit.record_audit",
        "api.claims.models",
        "api.staff.models",
        "api.audit.service.record_transition",
        "api.channels.models",
        "api.channels.models.OutboundMessage",
    ]
