"""``cityhall manage bus_live``, the buses' runtime as a service: simulator → broker → AVL subscriber
→ database (모의), until SIGTERM."""

import pytest
from django.core.management import CommandError, call_command

from cityhall.bus.models import Vehicle, VehicleState
from cityhall.core.tests.waiting import call_service_until
from cityhall.telemetry.broker import EmbeddedBroker


@pytest.mark.slow
def test_bus_live_stores_every_bus_and_stops_on_sigterm(transactional_db):
    with EmbeddedBroker(0) as broker:
        output = call_service_until(
            "bus_live",
            "--url",
            broker.url,
            "--simulate",
            # the command creates the network (모의) before it starts
            until=lambda: 0 < Vehicle.objects.count() <= VehicleState.objects.count(),
            what="every bus in the vehicle states",
        )
    fleet = Vehicle.objects.count()
    assert VehicleState.objects.count() == fleet
    assert "버스정보 실시간 운영: 모의 버스·BIT, AVL 수집" in output
    stored = int(output.rsplit("저장 ", 1)[1].split("건")[0].replace(",", ""))
    assert stored >= fleet


def test_bus_live_refuses_a_bad_broker_address(db):
    with pytest.raises(CommandError, match="지원하지 않는 MQTT 주소"):
        call_command("bus_live", "--url", "http://x")
