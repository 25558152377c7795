from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cityhall.bus import predictions, services
from cityhall.core.audit import Actor

KST = ZoneInfo("Asia/Seoul")
# A Tuesday morning in the service day (no holiday): 2025-03-04 08:00 KST.
MORNING = datetime(2025, 3, 4, 8, 0, tzinfo=KST)


@pytest.fixture
def bus_network(db):
    predictions.forget()
    services.network_ensure(actor=Actor.system("test:bus"))
    yield
    predictions.forget()


@pytest.fixture
def bus_staff(make_user):
    return make_user("bus-editor", "editor", "smart-city")
