import pytest

from cityhall.core.audit import Actor
from cityhall.streetlights.registry.services import registry_build_from_seed


@pytest.fixture
def registry(db):
    """The streetlight registry (a registered collection) built from the preloaded seed."""
    return registry_build_from_seed(actor=Actor.system("test:registry"))
