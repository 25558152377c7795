"""``/gis/tiles/<collection>/<z>/<x>/<y>.mvt``: a vector tile of a layer or a registered collection
(``tiles``; ADR 0031), for the shared map's base and for other systems.

Who may read it is who may read the collection on OGC API – Features: a session or an API token with
a role; a layer through the layer permissions, a registered collection through its provider (which
answers only what the user may see). A layer's tile is cached under the layer's last import, so a
new import is a new version; its ETag says the same. An empty tile answers 204 No Content (OGC API –
Tiles allows 204 for "no data here").
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import spatial, tiles
from .ogc import _not_found, _problem, _source, ogc_view

LAYER_MAX_AGE = 300  # seconds a browser may reuse a layer's tile before asking again (with its ETag)
CACHE_SECONDS = 3600


def _coordinate(text: str) -> int | None:
    if not (text.isascii() and text.isdigit()) or len(text) > 8:
        return None
    return int(text)


@require_GET
@ogc_view()
def tile(request: HttpRequest, collection_id: str, z: str, x: str, y: str) -> HttpResponse:
    numbers = {name: _coordinate(value) for name, value in (("z", z), ("x", x), ("y", y))}
    bad = [name for name, value in numbers.items() if value is None]
    if bad:
        detail = [
            {
                "loc": ["path", name],
                "msg": _("타일 좌표 %(name)s은(는) 0 이상의 정수여야 합니다.") % {"name": name},
            }
            for name in bad
        ]
        return _problem(400, "InvalidParameterValue", " ".join(d["msg"] for d in detail), detail)
    zi, xi, yi = (int(numbers[n] or 0) for n in ("z", "x", "y"))
    try:
        tiles.check(zi, xi, yi)
    except tiles.TileOutOfRange:
        return _not_found(
            _(
                "타일 %(z)s/%(x)s/%(y)s은(는) 타일 격자 밖입니다: "
                "확대 수준 z는 0~%(max)s, x와 y는 0~2^z−1입니다."
            )
            % {"z": zi, "x": xi, "y": yi, "max": tiles.MAX_ZOOM}
        )
    source = _source(request.user, collection_id)
    if source is None:
        return _not_found(_("'%(id)s' 컬렉션이 없거나 볼 수 없습니다.") % {"id": collection_id})
    backend = spatial.backend()
    if source.layer is not None:
        layer = source.layer
        version = layer.imported_at.isoformat() if layer.imported_at else "none"
        etag = '"' + hashlib.sha256(f"{layer.pk}:{version}:{zi}/{xi}/{yi}".encode()).hexdigest()[:32] + '"'
        if etag in request.headers.get("If-None-Match", ""):
            return _headers(HttpResponse(status=304), etag, LAYER_MAX_AGE)
        key = f"gis:tile:{layer.pk}:{version}:{zi}/{xi}/{yi}"
        body = cache.get(key)
        if body is None:
            body = tiles.layer_tile(layer.pk, layer.code, zi, xi, yi, backend=backend)
            cache.set(key, body, CACHE_SECONDS)
        return _answer(body, etag, LAYER_MAX_AGE)
    assert source.registered is not None
    # A registry changes any time (and answers per user): generated each time, revalidated by content.
    body = tiles.collection_tile(
        source.id, source.registered.features(request.user), zi, xi, yi, backend=backend
    )
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        return _headers(HttpResponse(status=304), etag, 0)
    return _answer(body, etag, 0)


def _headers(response: HttpResponse, etag: str, max_age: int) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={max_age}" if max_age else "private, no-cache"
    response["Vary"] = "Cookie, Authorization"
    return response


def _answer(body: bytes, etag: str, max_age: int) -> HttpResponse:
    if not body:
        return _headers(HttpResponse(status=204), etag, max_age)
    return _headers(HttpResponse(body, content_type=tiles.CONTENT_TYPE), etag, max_age)
