"""GET /v1/regions: public list of the rule sets and their documents; the one region resolution."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.policy.errors import EmptyRegion, UnknownRegion
from api.policy.regions import given_region, place_named, resolve_region


def test_lists_every_rule_set_without_auth(client: TestClient) -> None:
    resp = client.get("/v1/regions")
    assert resp.status_code == 200
    body = resp.json()
    by_code = {r["code"]: r for r in body["regions"]}
    assert set(by_code) == {"CN", "120000", "210000", "500000", "370000", "371500", "150000"}
    assert by_code["371500"]["parent"] == "370000" and by_code["371500"]["inherits"] == ["370000", "CN"]
    tianjin = by_code["120000"]["documents"][0]
    assert (tianjin["effective_from"], tianjin["effective_to"]) == ("2026-01-01", "2028-12-31")
    assert by_code["500000"]["documents"][0]["document"] == "渝人社办〔2025〕112号"
    assert "当地规定可能不同" in body["note"]
    assert body["rule_base_version"]


def test_resolve_region_names_the_field_of_an_unknown_region() -> None:
    assert resolve_region(region="沈阳").code == "210000"
    with pytest.raises(UnknownRegion) as err:
        resolve_region(region="火星", field="claim.region")
    assert list(err.value.fields or {}) == ["claim.region"]


def test_given_region_refuses_a_blank_one_and_passes_none() -> None:
    assert given_region(region=None) is None
    assert given_region(region=" 天津 ") == resolve_region(region="天津")
    with pytest.raises(EmptyRegion):
        given_region(region="  ")


def test_place_named_keeps_the_place_not_only_its_layer() -> None:
    place = place_named(region=" 沈阳市 ")
    assert (place.code, place.name) == ("210100", "沈阳市")
