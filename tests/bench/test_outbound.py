"""bench/outbound.py end to end on a tiny run, so that `make bench`'s outbound rows cannot rot.

It really delivers (the app's dispatcher to the WeChat and Aliyun stand-ins, an API process
answering late through the WeChat stand-in); only the sizes are small. Nothing here is about
speed: the checks are that every message arrived and the timings are in their causal order.
"""

from __future__ import annotations

import pytest

from bench import outbound, run_all

DELAY, PASSIVE = 1.2, 0.4


def test_a_tiny_outbound_run_delivers_everything_and_renders(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--messages", "6", "--conversations", "2", "--rounds", "1", "--delay", str(DELAY)]
    assert outbound.main([*argv, "--passive", str(PASSIVE), "--json"]) == 0
    figures = outbound.from_json(capsys.readouterr().out.strip().splitlines()[-1])
    assert [t.channel for t in figures.throughput] == ["wechat", "sms"]
    for t in figures.throughput:
        assert t.not_sent == 0, t
        assert min(t.sweep_per_s, t.wake_per_s, t.direct_per_s, t.direct_concurrent_per_s) > 0, t
    assert (figures.loaded.samples, figures.alone.samples) == (2, 3)
    for lat in (figures.loaded, figures.alone):
        assert lat.problems == {}
        # "success" went back before the engine answered; the message came after the engine's answer.
        assert PASSIVE <= lat.ack_p50 < DELAY <= lat.post_p50 <= lat.post_p95
    table = outbound.render(figures)
    assert "WeChat 客服 messages" in table and "SMS (Aliyun template)" in table and "1 conversation" in table
    # …and `make bench` puts the same rows in its table.
    whole = run_all.render(run_all.Figures(machine="m", when="w", outbound=figures))
    assert table in whole
    failed = run_all.render(run_all.Figures(machine="m", when="w", outbound_error="stand-in down"))
    assert "Outbound delivery: not measured (stand-in down)." in failed
