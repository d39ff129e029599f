"""Findings 6, 7 and 8 (issue 12), tried as an attacker would.

6. A lone surrogate ("\\ud800x") in `transcript`, `roles` or `region` was a 500 (UnicodeEncodeError
   while serialising the answer) and dropped a concurrent request on the same connection.
7. `region` of /v1/operator/suggestions had no bound: 100k characters took 3.7 s, 1 MB never answered.
8. Framework errors came out in English ("There was an error parsing the body", "Field exceeded
   maximum size of 1024KB").

The connection test runs the app in a real uvicorn server and pipelines requests on one socket.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from api.main import create_app
from api.staff.seed import DEMO_ACCOUNTS, seed_staff
from devtools.stack import free_port
from tests.conftest import DEV_AUTH, make_settings

pytestmark = pytest.mark.security

CJK = re.compile(r"[\u4e00-\u9fff]")
JSON = {**DEV_AUTH, "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def app_client(private_db_url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(private_db_url))
    with TestClient(app) as client:
        with app.state.sessionmaker() as session, session.begin():
            seed_staff(session, app.state.settings)
        yield client


def _supervisor(client: TestClient) -> None:
    username, _, _, password = next(a for a in DEMO_ACCOUNTS if "supervisor" in a[2])
    r = client.post("/v1/staff/login", json={"username": username, "password": password})
    assert r.status_code == 200
    client.headers["X-CSRF-Token"] = r.headers["X-CSRF-Token"]


def _chinese_error(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status, (response.status_code, response.text[:300])  # type: ignore[attr-defined]
    error = response.json()["error"]  # type: ignore[attr-defined]
    assert CJK.search(error["message"]), error
    assert not re.search(r"[A-Za-z]{4,} [A-Za-z]{3,}", error["message"]), error  # no English sentence
    return error  # type: ignore[no-any-return]


# ---- 6: lone surrogates -------------------------------------------------------------------------

TICKET = '{"category":"help","channel":"phone","region":"500000","summary":"查询进度"'.encode()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/tickets", TICKET + b',"transcript":"\\ud800x"}'),
        ("/v1/tickets", TICKET + b',"transcript":[{"role":"claimant","text":"\\udfffa"}]}'),
        ("/v1/tickets", b'{"category":"help","channel":"phone","region":"\\ud800x","summary":"abc"}'),
        ("/v1/operator/suggestions", b'{"text":"\xe5\xa4\xb1\xe4\xb8\x9a\xe9\x87\x91","region":"\\ud800x"}'),
        ("/v1/eligibility/evaluate", b'{"region":"\\ud800x","application_date":"2026-03-02"}'),
        (
            "/v1/claims",
            b'{"claimant":{"name":"\\ud800x","id_number":"1","phone":"1"},"region":"1","start_month":"1",'
            b'"benefit_months":1}',
        ),
    ],
)
def test_lone_surrogates_are_a_chinese_422(app_client: TestClient, path: str, body: bytes) -> None:
    app_client.cookies.clear()
    error = _chinese_error(app_client.post(path, content=body, headers=JSON), 422)
    assert error["fields"], error  # names the field


def test_lone_surrogate_in_roles_is_a_chinese_422(app_client: TestClient) -> None:
    _supervisor(app_client)
    staff_id = app_client.get("/v1/staff").json()[0]["id"]
    response = app_client.put(
        f"/v1/staff/{staff_id}/roles", content=b'{"roles":["\\ud800x"]}', headers={"Content-Type": "application/json"}
    )
    assert _chinese_error(response, 422)["fields"] == {"roles.0": "含有无法识别的字符（不成对的代理字符）"}
    app_client.cookies.clear()


def test_invalid_utf8_in_json_form_and_query_is_a_chinese_422(app_client: TestClient) -> None:
    app_client.cookies.clear()
    _chinese_error(app_client.post("/v1/operator/suggestions", content=b'{"text":"\xff\xfe"}', headers=JSON), 422)
    _chinese_error(
        app_client.post(
            "/console/login",
            content=b"username=%ff%fe&password=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        422,
    )
    _chinese_error(app_client.get("/v1/kb/search?q=%ED%A0%80", headers=DEV_AUTH), 422)


class _Server:
    def __init__(self, url: str) -> None:
        self.port = free_port()
        config = uvicorn.Config(create_app(make_settings(url)), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _request(body: bytes) -> bytes:
    return (
        b"POST /v1/operator/suggestions HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer dev-token\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


def _responses(sock: socket.socket, count: int) -> list[tuple[int, bytes]]:
    data, out = b"", []
    sock.settimeout(15)
    while len(out) < count:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            head = data[:head_end].decode("latin-1")
            length = int(re.search(r"(?im)^content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
            if len(data) >= head_end + 4 + length:
                out.append((int(head.split()[1]), data[head_end + 4 : head_end + 4 + length]))
                data = data[head_end + 4 + length :]
                continue
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return out


def test_a_hostile_request_does_not_drop_the_next_one_on_the_same_connection(private_db_url: str) -> None:
    good = json.dumps({"text": "重庆失业金审核要几天", "region": "500000"}, ensure_ascii=False).encode()
    hostile = [
        b'{"text":"abc","region":"\\ud800x"}',
        b'{"text":"\\ud800x"}',
        b'{"text":"\xff"}',
        b'{"text":"abc","region":"' + b"x" * 1_000_000 + b'"}',
    ]
    with _Server(private_db_url) as server, socket.create_connection(("127.0.0.1", server.port)) as sock:
        for bad in hostile:  # pipelined: the bad request and a good one in one write
            sock.sendall(_request(bad) + _request(good))
            (bad_status, bad_body), (good_status, good_body) = _responses(sock, 2)
            assert 400 <= bad_status < 500, (bad_status, bad_body[:200])
            assert CJK.search(json.loads(bad_body)["error"]["message"])
            assert good_status == 200, good_body[:300]
            assert json.loads(good_body)["suggestions"]


# ---- 7: unbounded region ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [100_000, 1_000_000])
def test_a_huge_region_is_a_fast_4xx(app_client: TestClient, size: int) -> None:
    app_client.cookies.clear()
    started = time.monotonic()
    response = app_client.post(
        "/v1/operator/suggestions", json={"text": "审核要几天", "region": "沈" * size}, headers=DEV_AUTH
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert time.monotonic() - started < 1.0
    assert len(response.content) < 2000  # the region is not echoed back


def test_region_resolution_is_linear_in_its_length() -> None:
    from policy_kb.regions import MAX_REGION_CHARS, UnknownRegionError, _index, resolve_region

    # The worst case for the splitter: every prefix is a known name, nothing matches as a whole.
    worst = ("内蒙古" * 30)[:MAX_REGION_CHARS]
    started = time.monotonic()
    with pytest.raises(UnknownRegionError):
        resolve_region(worst + "x")
    with pytest.raises(UnknownRegionError):
        resolve_region("沈" * (MAX_REGION_CHARS + 1))  # over the bound: refused before any work
    assert time.monotonic() - started < 0.5
    index = _index()
    index._match.cache_clear()
    calls = 0
    real = index.by_name.get

    class Counting(dict):  # type: ignore[type-arg]
        def get(self, key: object, default: object = None) -> object:
            nonlocal calls
            calls += 1
            return real(key, default)  # type: ignore[arg-type]

    index.by_name = Counting(index.by_name)  # type: ignore[assignment]
    try:
        index.match("内蒙古" * 100)  # each head matches: the splitter recurses on every third suffix
    finally:
        index.by_name = dict(index.by_name)  # type: ignore[assignment]
        index._match.cache_clear()
    assert calls <= 300 * (index.longest + 1), calls  # O(n * longest name), not O(n^2)


# ---- 8: English framework errors ----------------------------------------------------------------


def test_framework_errors_are_chinese(app_client: TestClient) -> None:
    app_client.cookies.clear()
    too_many = "&".join(f"f{i}=1" for i in range(1200))  # over Starlette's 1000-field limit
    _chinese_error(
        app_client.post(
            "/console/login", content=too_many.encode(), headers={"Content-Type": "application/x-www-form-urlencoded"}
        ),
        400,
    )
    parts = b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n"  # a part with no name
    _chinese_error(
        app_client.post("/console/login", content=parts, headers={"Content-Type": "multipart/form-data; boundary=b"}),
        400,
    )
    big = b"x" * (1024 * 1024 + 1)
    _chinese_error(
        app_client.post("/console/login", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"}),
        413,
    )
    _chinese_error(app_client.post("/v1/operator/suggestions", content=b'{"text":', headers=JSON), 422)


def test_framework_english_details_are_translated() -> None:
    from api.errors import http_message

    for detail in (
        "There was an error parsing the body",
        "Field exceeded maximum size of 1024KB.",
        "Part exceeded maximum size of 1024KB.",
        "Too many fields. Maximum number of fields is 1000.",
        "Too many files. Maximum number of files is 1000.",
        "Something else entirely",
    ):
        assert CJK.search(http_message(400, detail)), detail
    assert http_message(403, "页面已过期，请刷新后重试") == "页面已过期，请刷新后重试"
