"""``{% gis_map %}``: the platform's one offline map, for any page of any module.

    {% load gis_map %}
    {% gis_map "streetlight-sites,streetlight-lights" label=_("스마트가로등 위치") %}

draws the city's base layers (기본도: the layers marked ``base``) and then the named collections —
layer codes or ids registered with ``cityhall.gis.collections.register_collection`` — read from
OGC API – Features by the page's own session. ``live=<url>`` adds a live overlay
(``cityhall.gis.live``): the page's points in their state's colour, read again every ``refresh``
seconds, with a legend counting them by state. The base layers are vector tiles generated from the
layers (``/gis/tiles/…``, drawn on canvas by our ``gis/mvt.js``); Leaflet comes from the installed
``django-js-lib-leaflet`` package; nothing loads from the internet.
"""

from __future__ import annotations

import itertools

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors
from ..collections import registered_collection

register = template.Library()
_ids = itertools.count(1)
STYLES = {"boundary", "road", "water", "sewer", "utility", "other"}


@register.inclusion_tag("gis/map.html", takes_context=True)
def gis_map(
    context,
    layers: str = "",
    label: str = "",
    base: bool = True,
    height: str = "",
    live: str = "",
    live_label: str = "",
    refresh: int = 0,
) -> dict:
    request = context["request"]
    user = request.user
    codes = [c.strip() for c in (layers or "").split(",") if c.strip()]
    visible = {layer.code: layer for layer in selectors.layers_visible(user)}
    entries = []
    if base:
        for code in selectors.base_layer_codes(user):
            layer = visible[code]
            entries.append(
                {
                    "id": code,
                    "title": layer.title,
                    "style": layer.kind,
                    "base": True,
                    "sample": layer.sample,
                    "bbox": layer.bbox,
                }
            )
    for code in codes:
        if any(e["id"] == code for e in entries):
            continue
        if code in visible:
            layer = visible[code]
            style = layer.kind if layer.kind in STYLES else "other"
            entries.append(
                {"id": code, "title": layer.title, "style": style, "base": False, "sample": layer.sample}
            )
            continue
        found = registered_collection(code)
        if found is not None:
            entries.append(
                {"id": code, "title": str(found.title), "style": "point", "base": False, "sample": False}
            )
    number = next(_ids)
    return {
        "map_id": f"gis-map-{number}",
        "data_id": f"gis-map-{number}-layers",
        "label": label or _("지도"),
        "entries": entries,
        "collections_url": reverse("ogc:collections"),
        # The base layers' vector tiles: {id}, {z}, {x}, {y} filled in by the map.
        "tiles_url": reverse("gis:tile", args=["ID", "Z", "X", "Y"])
        .replace("/ID/", "/{id}/")
        .replace("/Z/X/Y.mvt", "/{z}/{x}/{y}.mvt"),
        "height": height,
        "any_sample": any(e["sample"] for e in entries),
        # A live overlay (cityhall.gis.live): the feed's URL, its name, and how often to read it again.
        "live_url": live,
        "live_label": live_label or _("실시간 상태"),
        "refresh": max(0, int(refresh or 0)),
    }
