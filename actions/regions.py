"""Which regions the assistant knows the rules of (GET /v1/regions)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.api_client import ApiUnavailable, call

UNAVAILABLE = "系统暂时无法查询，请稍后再试，或拨打12333人社服务热线。"


def regions_reply(regions: list[dict[str, Any]]) -> str:
    names = [r["name"] for r in regions if r.get("code") != "CN"]
    return (
        f"目前我能按这些地区的文件解答：{'、'.join(names)}。"
        "其他地区按国家规定解答，当地规定可能不同，请以当地经办机构或12333答复为准。"
    )


class ActionListRegions(Action):
    def name(self) -> str:
        return "action_list_regions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[Any]:
        try:
            regions = await call("GET", "/v1/regions")
        except ApiUnavailable:
            dispatcher.utter_message(text=UNAVAILABLE)
            return []
        items = regions.get("regions", regions) if isinstance(regions, dict) else regions
        dispatcher.utter_message(text=regions_reply(items))
        return []
