"""Every setting is listed in .env.example, and .env.example names no unknown setting."""

from __future__ import annotations

from pathlib import Path

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# Read by the scripts and the action server, not by the API's Settings.
SCRIPT_SETTINGS = {"API_URL", "API_TOKEN"}


def _listed() -> set[str]:
    names = set()
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            names.add(line.split("=", 1)[0])
    return names


def test_env_example_lists_every_setting() -> None:
    wanted = {name.upper() for name in Settings.model_fields}
    assert wanted - _listed() == set()


def test_env_example_names_only_known_settings() -> None:
    known = {name.upper() for name in Settings.model_fields} | SCRIPT_SETTINGS
    assert _listed() - known == set()
