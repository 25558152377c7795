"""Other modules' registries as OGC API – Features collections and map layers.

An app that keeps things with coordinates (streetlights, cameras, signals, stops, Wi-Fi sites)
registers a provider in its ``AppConfig.ready``::

    from cityhall.gis.collections import register_collection

    register_collection(
        "streetlight-sites",
        title=_("스마트가로등 설치 지역"),
        features=site_features,  # (user) -> iterable of GeoJSON Feature dicts in WGS84
    )

The provider reads through the app's own selectors, so it answers only what ``user`` may see; each
feature has an ``id`` (unique in the collection), a ``geometry`` (longitude first) and
``properties``. gis pages, filters (bbox) and reprojects what it returns: nothing of the
registering app's tables is read here. This module imports no model, so registering is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

FeatureProvider = Callable[[Any], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class RegisteredCollection:
    id: str
    title: Any  # str or a lazily translated string
    features: FeatureProvider
    description: Any = ""
    geometry_type: str = "Point"
    app: str = ""


_COLLECTIONS: dict[str, RegisteredCollection] = {}


def register_collection(
    collection_id: str,
    *,
    title: Any,
    features: FeatureProvider,
    description: Any = "",
    geometry_type: str = "Point",
    app: str = "",
) -> None:
    """Make ``features`` a collection (and a map layer) named ``collection_id``. Registering the same
    id again replaces it (a reloaded app); an id must not clash with a layer's code, so registered
    ids carry their app's name (``streetlight-sites``)."""
    _COLLECTIONS[collection_id] = RegisteredCollection(
        id=collection_id,
        title=title,
        features=features,
        description=description,
        geometry_type=geometry_type,
        app=app,
    )


def registered() -> list[RegisteredCollection]:
    return sorted(_COLLECTIONS.values(), key=lambda c: c.id)


def registered_collection(collection_id: str) -> RegisteredCollection | None:
    return _COLLECTIONS.get(collection_id)
