import pytest

from cityhall.core.audit import Actor
from cityhall.streetlights.registry.services import registry_build_from_seed


@pytest.fixture
def registry(db):
    """The registry built from the preloaded seed (inside the test's transaction)."""
    return registry_build_from_seed(actor=Actor.system("test:registry"))
