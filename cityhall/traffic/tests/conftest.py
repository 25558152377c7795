import pytest

from cityhall.core.audit import Actor
from cityhall.traffic.services import network_ensure_default


@pytest.fixture
def twin_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def network(db, twin_dir):
    return network_ensure_default(actor=Actor.system("test:traffic"))
