"""VMS sending through a real Mosquitto (a private instance on a free loopback port, as the telemetry
tests start it): the sender publishes every sign's message at QoS 1, the simulated signs display
and acknowledge it, a silent sign stays unconfirmed, and an approved message reaches its sign."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command

from cityhall.core.audit import Actor
from cityhall.core.tests.waiting import call_service_until, wait_for
from cityhall.telemetry.tests.test_ingester import broker  # noqa: F401 - the fixture registers by import
from cityhall.traffic import services
from cityhall.traffic.models import VmsMessage, VmsSend, VmsSign
from cityhall.traffic.runtime import TrafficRuntime

pytestmark = pytest.mark.slow


def test_signs_acknowledge_what_they_are_sent(transactional_db, broker, settings, tmp_path, roles):  # noqa: F811
    settings.DATA_DIR = tmp_path
    services.vms_ensure_default(actor=Actor.system("test:vms"))
    runtime = TrafficRuntime(broker.url, silent={"VMS-29"}, dispatch_s=0.2).start()
    try:
        wait_for(lambda: VmsSign.objects.exclude(acked_text="").count() == 28, "28 signs to acknowledge")

        def approved():
            """Written beside the running sender, so a write may meet its table lock (waiting.py):
            each step is one transaction, and a refused one is tried again."""
            message = VmsMessage.objects.filter(signs=["VMS-07"]).first() or services.vms_message_create(
                kind="notice",
                text="시민의 날 행사\n대중교통 이용",
                signs=["VMS-07"],
                actor=Actor.for_user(roles["editor"]),
            )
            if message.status != "approved":
                services.vms_message_approve(message=message, actor=Actor.for_user(roles["manager"]))
            return True

        wait_for(approved, "the notice to be written and approved")
        wait_for(
            lambda: VmsSign.objects.get(code="VMS-07").acked_text == "시민의 날 행사\n대중교통 이용",
            "VMS-07 to acknowledge the approved message",
        )
        assert runtime.displayed["VMS-07"] == ["시민의 날 행사", "대중교통 이용"]
    finally:
        runtime.stop()
    assert runtime.errors == []
    silent = VmsSign.objects.get(code="VMS-29")
    assert silent.acked_text == "" and "VMS-29" not in runtime.displayed
    assert VmsSend.objects.get(sign=silent).status == "sent"


def test_traffic_live_command_sends_until_sigterm(transactional_db, broker, settings, tmp_path):  # noqa: F811
    """``cityhall manage traffic_live --simulate``, as the service runs it: the sender places the
    signs, sends each its message, the simulated signs acknowledge, SIGTERM stops it in order."""
    settings.DATA_DIR = tmp_path
    output = call_service_until(
        "traffic_live",
        "--url",
        broker.url,
        "--simulate",
        "--dispatch-interval",
        "0.2",
        until=lambda: VmsSign.objects.count() == 29 and not VmsSign.objects.filter(acked_text="").exists(),
        what="all 29 signs to acknowledge",
    )
    assert "교통 실시간 운영: 모의 도로전광표지, VMS 문안 전송·표출 확인" in output
    sent, acked = map(int, re.search(r"전송 종료: 전송 (\d+)건, 표출 확인 (\d+)건", output).groups())
    assert sent >= 29 and acked >= 29  # a slow acknowledgement may have brought a second send


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--url", "http://x"], "지원하지 않는 MQTT 주소"), (["--dispatch-interval", "0"], "0보다 커야")],
)
def test_traffic_live_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("traffic_live", *args)
