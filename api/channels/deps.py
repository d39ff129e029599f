"""The channels' runtime (built by the start-up hook in api/channels/runtime.py) as a route dependency.

Beside its loader, as api/deps.py asks of objects a domain builds at start-up: routes name
`runtime: ChannelsDep` instead of reading `request.app.state.channels`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.channels.runtime import ChannelRuntime


async def get_channels(request: Request) -> ChannelRuntime:
    runtime: ChannelRuntime = request.app.state.channels
    return runtime


ChannelsDep = Annotated[ChannelRuntime, Depends(get_channels)]
