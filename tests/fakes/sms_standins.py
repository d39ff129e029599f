"""Local stand-ins for Aliyun's and Tencent Cloud's SMS APIs.

Each is a real HTTP server on 127.0.0.1 that checks the request's signature exactly as
the provider documents it (written here from the documentation, independently of the
SDKs under test), refuses a bad one the way the provider does, and otherwise answers
with whatever outcome the test scripted, in the provider's documented response format.

- Aliyun V3 signature (ACS3-HMAC-SHA256):
  https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature
- Tencent Cloud TC3-HMAC-SHA256: https://cloud.tencent.com/document/api/382/52071
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit


@dataclass
class Received:
    headers: dict[str, str]
    query: dict[str, str]
    body: bytes


@dataclass
class StandIn:
    """What the fake provider was sent, and what it will answer next (by outcome name)."""

    key_id: str
    secret: str
    outcome: str = "ok"
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # signature failures seen
    port: int = 0

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


# --- Aliyun ------------------------------------------------------------------------------

ALIYUN_CODES = {
    "throttled": ("isv.BUSINESS_LIMIT_CONTROL", "触发号码天级流控Permits:10"),
    "invalid_template": ("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"),
    "invalid_number": ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"),
}


def _aliyun_encode(value: str) -> str:
    return quote(value, safe="-_.~")


def aliyun_signature_ok(
    method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes, secret: str
) -> bool:
    auth = headers.get("authorization", "")
    algorithm, _, rest = auth.partition(" ")
    if algorithm != "ACS3-HMAC-SHA256":
        return False
    parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    signed = parts.get("SignedHeaders", "").split(";")
    if "host" not in signed or "x-acs-date" not in signed or "x-acs-content-sha256" not in signed:
        return False
    if headers.get("x-acs-content-sha256") != _sha256(body):
        return False
    canonical_query = "&".join(f"{_aliyun_encode(k)}={_aliyun_encode(v)}" for k, v in sorted(query.items()))
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
    canonical = "\n".join(
        [method, path or "/", canonical_query, canonical_headers, ";".join(signed), headers["x-acs-content-sha256"]]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + _sha256(canonical.encode())
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def _aliyun_answer(standin: StandIn, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
    if standin.outcome == "ok":
        return 200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "F655A8D5"}
    code, message = ALIYUN_CODES[standin.outcome]
    return 200, {"Code": code, "Message": message, "RequestId": "F655A8D5"}


# --- Tencent Cloud -------------------------------------------------------------------------

TENCENT_CODES = {
    "throttled": ("LimitExceeded.PhoneNumberThirtySecondLimit", "单个手机号30秒内下发短信条数超过设定的上限"),
    "invalid_template": ("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配"),
    "invalid_number": ("InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"),
}


def tencent_signature_ok(
    method: str, path: str, raw_query: str, headers: dict[str, str], body: bytes, secret_id: str, secret_key: str
) -> bool:
    auth = headers.get("authorization", "")
    algorithm, _, rest = auth.partition(" ")
    if algorithm != "TC3-HMAC-SHA256":
        return False
    parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    credential = parts.get("Credential", "").split("/")
    if len(credential) != 4 or credential[0] != secret_id or credential[2:] != ["sms", "tc3_request"]:
        return False
    day, timestamp = credential[1], headers.get("x-tc-timestamp", "")
    signed = parts.get("SignedHeaders", "").split(";")
    if "content-type" not in signed or "host" not in signed:
        return False
    canonical_headers = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed)
    canonical = "\n".join([method, path or "/", raw_query, canonical_headers, ";".join(signed), _sha256(body)])
    scope = f"{day}/sms/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256(canonical.encode())}"
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), day), "sms"), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("Signature", ""))


def _tencent_answer(standin: StandIn, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    phone = (body.get("PhoneNumberSet") or [""])[0]
    if standin.outcome == "ok":
        code, message = "Ok", "send success"
    else:
        code, message = TENCENT_CODES[standin.outcome]
    status = {
        "SerialNo": "2028:f825e6b16e23f73f4123",
        "PhoneNumber": phone,
        "Fee": 1,
        "SessionContext": "",
        "Code": code,
        "Message": message,
        "IsoCode": "CN",
    }
    return 200, {"Response": {"SendStatusSet": [status], "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}}


# --- the servers ----------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    # Many senders at once (bench/outbound.py): the default listen backlog of 5 would reset
    # connections that the real service would accept.
    request_queue_size = 128
    daemon_threads = True


def _handler(standin: StandIn, kind: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length)
            split = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            query = dict(parse_qsl(split.query, keep_blank_values=True))
            standin.received.append(Received(headers=headers, query=query, body=body))
            if kind == "aliyun":
                if not aliyun_signature_ok("POST", split.path, query, headers, body, standin.secret):
                    standin.rejected.append("SignatureDoesNotMatch")
                    self._send(
                        400,
                        {
                            "Code": "SignatureDoesNotMatch",
                            "Message": "Specified signature is not matched",
                            "RequestId": "F655A8D5",
                        },
                    )
                    return
                self._send(*_aliyun_answer(standin, query))
                return
            if not tencent_signature_ok("POST", split.path, split.query, headers, body, standin.key_id, standin.secret):
                standin.rejected.append("AuthFailure.SignatureFailure")
                self._send(
                    200,
                    {
                        "Response": {
                            "Error": {
                                "Code": "AuthFailure.SignatureFailure",
                                "Message": "The provided credentials could not be validated.",
                            },
                            "RequestId": "a0aabda6",
                        }
                    },
                )
                return
            self._send(*_tencent_answer(standin, json.loads(body or b"{}")))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            # As each provider sends it (Tencent's SDK reads errors only from exactly "application/json").
            content_type = "application/json" if kind == "tencent" else "application/json;charset=utf-8"
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running(kind: str, *, key_id: str = "LTAI5tStandInKeyId", secret: str = "stand-in-secret") -> Iterator[StandIn]:
    """A stand-in for `kind` ("aliyun" or "tencent") on a free loopback port."""
    standin = StandIn(key_id=key_id, secret=secret)
    server = _Server(("127.0.0.1", 0), _handler(standin, kind))
    standin.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
