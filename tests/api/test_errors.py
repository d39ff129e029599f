"""Errors leave the API in one shape, and the OpenAPI document says so."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_validation_errors_are_chinese_and_name_the_field(client: TestClient) -> None:
    r = client.post("/v1/chat", json={"message": "你好"})
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"sender": "必填"}


def test_openapi_documents_the_error_shape_actually_sent(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    error = schema["components"]["schemas"]["HTTPValidationError"]
    assert error["required"] == ["error"]
    assert set(error["properties"]["error"]["properties"]) == {"code", "message", "fields"}
