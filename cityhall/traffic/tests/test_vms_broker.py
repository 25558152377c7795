"""VMS sending through a real Mosquitto (a private instance on a free loopback port, as the telemetry
tests start it): the sender publishes every sign's message at QoS 1, the simulated signs display
and acknowledge it, a silent sign stays unconfirmed, and an approved message reaches its sign."""

from __future__ import annotations

import pytest

from cityhall.core.audit import Actor
from cityhall.core.tests.waiting import wait_for
from cityhall.telemetry.tests.test_ingester import broker  # noqa: F401 - the fixture registers by import
from cityhall.traffic import services
from cityhall.traffic.models import VmsSend, VmsSign
from cityhall.traffic.runtime import TrafficRuntime

pytestmark = pytest.mark.slow


def test_signs_acknowledge_what_they_are_sent(transactional_db, broker, settings, tmp_path, roles):  # noqa: F811
    settings.DATA_DIR = tmp_path
    services.vms_ensure_default(actor=Actor.system("test:vms"))
    runtime = TrafficRuntime(broker.url, silent={"VMS-29"}, dispatch_s=0.2).start()
    try:
        wait_for(lambda: VmsSign.objects.exclude(acked_text="").count() == 28, "28 signs to acknowledge")
        message = services.vms_message_create(
            kind="notice",
            text="시민의 날 행사\n대중교통 이용",
            signs=["VMS-07"],
            actor=Actor.for_user(roles["editor"]),
        )
        services.vms_message_approve(message=message, actor=Actor.for_user(roles["manager"]))
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
