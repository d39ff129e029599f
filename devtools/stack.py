"""Starts the real product (API, action server, Rasa) as processes on free ports.

`api_command` is the one uvicorn command line of the API and `api_server` runs it until a
block ends (the benches, the browser tests); `Stack` starts the whole product for the
end-to-end, fault and security tests. Each stack has its own SQLite file, so
runs do not share state with `make run` or each other. As in `make run`, Rasa and
the action server listen on 127.0.0.1 and need their secrets; each stack draws
fresh ones, so nothing a test starts is open.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from api.chat.rasa_client import conversation_path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "assistant.tar.gz"
BOT_BIN = ROOT / ".venv-bot" / "bin"


def _secret() -> str:
    return secrets.token_urlsafe(24)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api_command(port: int, *, log_level: str = "warning", workers: int = 1, access_log: bool = True) -> list[str]:
    """The API under uvicorn on the loopback address, as every test and bench starts it."""
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--log-level", log_level, "--workers", str(workers)]
    return command if access_log else [*command, "--no-access-log"]


def wait_until_up(url: str, proc: subprocess.Popen[bytes], *, timeout: float, log: Path | None = None) -> None:
    """Until `url` answers 200; a process that exits first fails at once, with its log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}: {tail}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def api_server(
    env: dict[str, str],
    *,
    port: int | None = None,
    log: Path | None = None,
    log_level: str = "warning",
    workers: int = 1,
    access_log: bool = True,
    timeout: float = 60,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """The API (already migrated) until the block ends: its base URL and process once /healthz answers.

    `log`: a file for its output (the console otherwise).
    """
    port = port or free_port()
    command = api_command(port, log_level=log_level, workers=workers, access_log=access_log)
    if log is None:
        proc = subprocess.Popen(command, cwd=ROOT, env=env)
    else:
        with open(log, "ab") as sink:  # the child keeps its own descriptor
            proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/healthz", proc, timeout=timeout, log=log)
        yield base, proc
    finally:
        stop(proc)


@dataclass
class Stack:
    workdir: Path
    env_overrides: dict[str, str] = field(default_factory=dict)
    # "info" logs every request as deployed (the security tests grep those logs).
    api_log_level: str = "warning"
    api_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    rasa_port: int = field(default_factory=free_port)
    # The dialogue engine's secrets (settings RASA_TOKEN, ACTION_SERVER_TOKEN, DIALOGUE_TOKENS).
    rasa_token: str = field(default_factory=_secret)
    action_server_token: str = field(default_factory=_secret)
    dialogue_token: str = field(default_factory=_secret)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    # One browser (cookie jar) per web sender: a conversation belongs to the browser session
    # that started it (api/channels/web/owners.py), as on the chat page.
    browsers: dict[str, httpx.Client] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def tracker(self, sender: str) -> dict[str, Any]:
        """Rasa's tracker of a conversation ("web:…", "sms:p…", "wx:…"), through its HTTP API with the token."""
        url = f"{self.rasa}/conversations/{conversation_path(sender)}/tracker"
        r = httpx.get(url, params={"token": self.rasa_token}, timeout=30)
        r.raise_for_status()
        state: dict[str, Any] = r.json()
        return state

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
        env.update(
            ENVIRONMENT="test",
            DATABASE_URL=f"sqlite:///{self.workdir / 'stack.db'}",
            REDIS_URL="",
            RASA_URL=f"http://127.0.0.1:{self.rasa_port}",
            ACTION_SERVER_URL=f"http://127.0.0.1:{self.action_port}",
            API_URL=self.api,
            API_TOKEN=self.dialogue_token,
            INTEGRATION_TOKENS="dev-token",
            DIALOGUE_TOKENS=self.dialogue_token,
            RASA_TOKEN=self.rasa_token,
            ACTION_SERVER_TOKEN=self.action_server_token,
            PYTHONPATH=str(ROOT / "bot"),
        )
        env.update(self.env_overrides)
        return env

    def _spawn(self, name: str, args: list[str]) -> None:
        # The child keeps its own copy of the descriptor; ours is closed at once (no ResourceWarning).
        with open(self.workdir / f"{name}.log", "ab") as log:
            self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT)

    def start_api(self) -> None:
        for command in ("migrate", "seed"):
            subprocess.run(
                [sys.executable, "-m", "api", command], cwd=ROOT, env=self.env(), check=True, capture_output=True
            )
        self._spawn("api", api_command(self.api_port, log_level=self.api_log_level))

    def start_actions(self) -> None:
        self._spawn(
            "actions",
            [str(BOT_BIN / "python"), "-m", "actions.server", "--host", "127.0.0.1", "--port", str(self.action_port)],
        )

    def start_rasa(self, endpoints: str = "bot/endpoints.yml") -> None:
        self._spawn(
            "rasa",
            [
                str(BOT_BIN / "rasa"),
                "run",
                "--enable-api",
                "--auth-token",
                self.rasa_token,
                "-i",
                "127.0.0.1",
                "-m",
                str(MODEL),
                "--endpoints",
                endpoints,
                "--credentials",
                "bot/credentials.yml",
                "--port",
                str(self.rasa_port),
            ],
        )

    @contextmanager
    def running(self, endpoints: str = "bot/endpoints.yml") -> Iterator[Stack]:
        """The whole product (API, action server, Rasa) until the block ends."""
        if not MODEL.exists() or not (BOT_BIN / "rasa").exists():
            raise RuntimeError("the dialogue model is not trained: run scripts/train.sh (make test does)")
        try:
            self.start_api()
            self.start_actions()
            self.start_rasa(endpoints)
            self.wait_ready()
            yield self
        finally:
            self.stop_all()

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc:
            stop(proc)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)
        for client in self.browsers.values():
            client.close()
        self.browsers.clear()

    def wait_ready(self, timeout: float = 300) -> None:  # model load takes minutes on a busy 2-core machine
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited: {(self.workdir / f'{name}.log').read_text()[-2000:]}")
            try:
                r = httpx.get(f"{self.api}/readyz", timeout=3)
                if r.status_code == 200:
                    return
                last = r.text
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(1)
        raise TimeoutError(f"stack not ready: {last}")

    def browser(self, sender: str) -> httpx.Client:
        """The browser of web conversation `sender`: it loaded the chat page (its session cookie)."""
        if sender not in self.browsers:
            client = httpx.Client(base_url=self.api, timeout=30)
            client.get("/chat").raise_for_status()
            self.browsers[sender] = client
        return self.browsers[sender]

    def chat(self, sender: str, message: str) -> list[str]:
        r = self.browser(sender).post("/v1/chat", json={"sender": sender, "message": message})
        r.raise_for_status()
        return [m["text"] for m in r.json()["messages"]]

    def dev_code(self, sender: str) -> str | None:
        """The demo code shown on that browser's chat page (development only)."""
        r = self.browser(sender).get("/v1/identity/dev/last-code", params={"sender": f"web:{sender}"})
        return str(r.json()["code"]) if r.status_code == 200 else None
