"""OGC API – Features, Part 1 (Core, GeoJSON) and Part 2 (CRS by reference), at ``/gis/ogc/``.

Every layer is a collection, and so is every registry another app registers
(``collections.register_collection``). Callers authenticate as on the REST API: a session, or a
token (``Authorization: Bearer …`` / ``X-API-Token``); anyone with a role may read.

The standard's own rules win over the REST API's where they differ (ADR 0012): a query parameter
that does not parse answers **400** (``/req/core/query-param-invalid``), with the problems in the
REST API's ``detail`` shape (``loc``/``msg``) beside OGC's ``code``/``description``; a ``limit``
above the maximum is lowered to it, not refused (``/req/core/fc-limit-response-1``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cityhall.core import params
from cityhall.core.api import TokenAuth, TokenHeaderAuth
from cityhall.core.permissions import scope_of

from . import geo, selectors
from .collections import RegisteredCollection, registered, registered_collection
from .models import Layer

GEOJSON = "application/geo+json"
JSON = "application/json"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1_000
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
# The CRSs an answer can be given in (besides CRS84, the default): the Korean ones data arrives in.
CRS_CHOICES = [geo.CRS84] + [geo.crs_uri(code) for code in (4326, 5186, 5179, 5174)]


@dataclass(frozen=True)
class Bbox(params.Param):
    """``minx,miny,maxx,maxy`` (four numbers; six with heights, which are ignored)."""

    kind = "bbox"

    def convert(self, text: str) -> tuple[float, float, float, float]:
        parts = [p.strip() for p in text.split(",")]
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise params.Invalid(
                _("'%(value)s'은(는) bbox가 아닙니다. 경도,위도,경도,위도처럼 숫자 4개를 쉼표로 적으세요.")
                % {"value": text[:40]}
            ) from None
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        if len(numbers) != 4 or not all(abs(n) < 1e9 for n in numbers):
            raise params.Invalid(_("bbox에는 숫자 4개(또는 높이를 더한 6개)를 적습니다."))
        if numbers[1] > numbers[3]:
            raise params.Invalid(_("bbox의 남쪽 값이 북쪽 값보다 큽니다."))
        return (numbers[0], numbers[1], numbers[2], numbers[3])

    def json_schema(self) -> dict[str, Any]:
        return {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}


FORMAT = params.Choice(label=gettext_lazy("형식"), choices=["json"])
CRS = params.Choice(label=gettext_lazy("좌표계"), choices=CRS_CHOICES)
ITEMS = {
    "f": FORMAT,
    "limit": params.Int(label=gettext_lazy("개수"), default=DEFAULT_LIMIT, min=1, max=10**9),
    "offset": params.Int(label=gettext_lazy("시작 위치"), default=0, min=0, max=10**9),
    "bbox": Bbox(label=gettext_lazy("범위")),
    "bbox-crs": CRS,
    "crs": CRS,
}


def _problem(
    status: int, code: str, description: str, detail: list[dict[str, Any]] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {"code": code, "description": description}
    if detail is not None:
        body["detail"] = detail
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def ogc_view(**spec: params.Param):
    """An OGC endpoint: the caller (session or token) must hold a role; query parameters through
    ``cityhall.core.params``, a bad one answering 400 with every problem."""

    def decorate(view: Callable[..., HttpResponse]):
        parsed = params.api(**spec)(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                user = TokenAuth()(request) or TokenHeaderAuth()(request)
                if user is None:
                    return _problem(401, "Unauthorized", _("로그인하거나 API 토큰을 보내야 합니다."))
                request.user = user
            if not scope_of(request.user).any_role:
                return _problem(403, "Forbidden", _("역할이 없는 사용자는 조회할 수 없습니다."))
            try:
                return parsed(request, *args, **kwargs)
            except params.ParamError as exc:
                return _problem(400, "InvalidParameterValue", " ".join(exc.messages()), exc.api_detail())

        wrapped.query_params = spec
        return wrapped

    return decorate


def _json(
    body: dict[str, Any], *, content_type: str = JSON, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _abs(request: HttpRequest, name: str, *args: Any, query: dict[str, Any] | None = None) -> str:
    url = request.build_absolute_uri(reverse(f"ogc:{name}", args=args))
    return f"{url}?{urlencode(query)}" if query else url


# -- collections: layers and registered registries alike -----------------------------------------------


@dataclass
class Source:
    id: str
    title: str
    description: str
    layer: Layer | None = None
    registered: RegisteredCollection | None = None

    @property
    def bbox(self) -> list[float] | None:
        return self.layer.bbox if self.layer is not None else None


def _sources(user) -> list[Source]:
    found = [
        Source(id=item.code, title=item.title, description=item.description, layer=item)
        for item in selectors.layers_visible(user).order_by("code")
    ]
    taken = {s.id for s in found}
    found += [
        Source(id=c.id, title=str(c.title), description=str(c.description), registered=c)
        for c in registered()
        if c.id not in taken
    ]
    return found


def _source(user, collection_id: str) -> Source | None:
    item = selectors.layer(user, collection_id)
    if item is not None:
        return Source(id=item.code, title=item.title, description=item.description, layer=item)
    found = registered_collection(collection_id)
    if found is not None:
        return Source(
            id=found.id, title=str(found.title), description=str(found.description), registered=found
        )
    return None


def _not_found(what: str) -> JsonResponse:
    return _problem(404, "NotFound", what)


def _collection_doc(request: HttpRequest, source: Source) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": source.id,
        "title": source.title,
        "description": source.description,
        "itemType": "feature",
        "crs": CRS_CHOICES,
        "storageCrs": geo.CRS84,
        "links": [
            {
                "href": _abs(request, "collection", source.id),
                "rel": "self",
                "type": JSON,
                "title": source.title,
            },
            {
                "href": _abs(request, "items", source.id),
                "rel": "items",
                "type": GEOJSON,
                "title": _("객체 (GeoJSON)"),
            },
        ],
    }
    if source.bbox:
        doc["extent"] = {"spatial": {"bbox": [source.bbox], "crs": geo.CRS84}}
    if source.layer is not None:
        layer = source.layer
        doc["cityhall:metadata"] = {
            "source": layer.source,
            "sourceCrs": geo.crs_uri(layer.source_crs),
            "date": layer.data_date.isoformat() if layer.data_date else None,
            "accuracy": layer.accuracy,
            "sample": layer.sample,
            "features": layer.feature_count,
        }
    return doc


@ogc_view(f=FORMAT)
def landing(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "title": _("김포시 공간정보 OGC API – Features"),
            "description": _(
                "공간정보 레이어와 각 업무의 시설 대장(가로등 등)을 OGC API – Features로 제공합니다."
            ),
            "links": [
                {"href": _abs(request, "landing"), "rel": "self", "type": JSON, "title": _("이 문서")},
                {
                    "href": request.build_absolute_uri(reverse("api:openapi-json")),
                    "rel": "service-desc",
                    "type": "application/vnd.oai.openapi+json;version=3.0",
                    "title": _("cityhall API 정의(OpenAPI)"),
                },
                {
                    "href": _abs(request, "conformance"),
                    "rel": "conformance",
                    "type": JSON,
                    "title": _("적합성"),
                },
                {"href": _abs(request, "collections"), "rel": "data", "type": JSON, "title": _("컬렉션")},
            ],
        }
    )


@ogc_view(f=FORMAT)
def conformance(request: HttpRequest) -> HttpResponse:
    return _json({"conformsTo": CONFORMANCE})


@ogc_view(f=FORMAT)
def collections(request: HttpRequest) -> HttpResponse:
    return _json(
        {
            "links": [
                {"href": _abs(request, "collections"), "rel": "self", "type": JSON, "title": _("컬렉션")}
            ],
            "collections": [_collection_doc(request, s) for s in _sources(request.user)],
        }
    )


@ogc_view(f=FORMAT)
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    source = _source(request.user, collection_id)
    if source is None:
        return _not_found(_("'%(id)s' 컬렉션이 없습니다.") % {"id": collection_id[:60]})
    return _json(_collection_doc(request, source))


def _stamp() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _out(geometry: dict[str, Any] | None, crs: str) -> dict[str, Any] | None:
    if geometry is None or crs == geo.CRS84:
        return geometry
    return geo.reproject_geometry(geometry, crs)


def _bbox_filter(
    features: Iterable[dict[str, Any]], bbox: tuple[float, float, float, float]
) -> list[dict[str, Any]]:
    import shapely

    west, south, east, north = bbox
    kept = []
    for feature in features:
        geometry = feature.get("geometry")
        if not geometry:
            continue
        minx, miny, maxx, maxy = shapely.bounds(shapely.from_geojson(json.dumps(geometry)))
        if minx <= east and maxx >= west and miny <= north and maxy >= south:
            kept.append(feature)
    return kept


@ogc_view(**ITEMS)
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    source = _source(request.user, collection_id)
    if source is None:
        return _not_found(_("'%(id)s' 컬렉션이 없습니다.") % {"id": collection_id[:60]})
    q = request.query
    limit, offset = min(q.limit, MAX_LIMIT), q.offset
    crs = q.crs or geo.CRS84
    bbox = q.bbox
    if bbox is not None and q["bbox-crs"] and q["bbox-crs"] != geo.CRS84:
        bbox = geo.bbox_to_crs84(bbox, q["bbox-crs"])
    if source.layer is not None:
        rows, matched = selectors.features(source.layer, bbox=bbox, limit=limit, offset=offset)
        page = [
            {
                "type": "Feature",
                "id": row.fid,
                "geometry": _out(row.geometry, crs),
                "properties": row.properties,
            }
            for row in rows
        ]
    else:
        assert source.registered is not None
        every = list(source.registered.features(request.user))
        if bbox is not None:
            every = _bbox_filter(every, bbox)
        matched = len(every)
        page = [dict(f, geometry=_out(f.get("geometry"), crs)) for f in every[offset : offset + limit]]
    base = {"limit": limit}
    for name in ("bbox", "bbox-crs", "crs"):
        if q[name] is not None:
            base[name] = ",".join(repr(v) for v in q[name]) if name == "bbox" else q[name]
    links = [
        {
            "href": _abs(request, "items", source.id, query={**base, "offset": offset}),
            "rel": "self",
            "type": GEOJSON,
            "title": _("이 쪽"),
        },
        {
            "href": _abs(request, "collection", source.id),
            "rel": "collection",
            "type": JSON,
            "title": source.title,
        },
    ]
    if offset + len(page) < matched:
        links.append(
            {
                "href": _abs(request, "items", source.id, query={**base, "offset": offset + limit}),
                "rel": "next",
                "type": GEOJSON,
                "title": _("다음 쪽"),
            }
        )
    if offset > 0:
        links.append(
            {
                "href": _abs(request, "items", source.id, query={**base, "offset": max(offset - limit, 0)}),
                "rel": "prev",
                "type": GEOJSON,
                "title": _("이전 쪽"),
            }
        )
    body = {
        "type": "FeatureCollection",
        "features": page,
        "links": links,
        "timeStamp": _stamp(),
        "numberMatched": matched,
        "numberReturned": len(page),
    }
    return _json(body, content_type=GEOJSON, headers={"Content-Crs": f"<{crs}>"})


@ogc_view(f=FORMAT, crs=CRS)
def item(request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
    source = _source(request.user, collection_id)
    if source is None:
        return _not_found(_("'%(id)s' 컬렉션이 없습니다.") % {"id": collection_id[:60]})
    crs = request.query.crs or geo.CRS84
    found: dict[str, Any] | None = None
    if source.layer is not None:
        row = (
            selectors.feature(source.layer, int(feature_id))
            if feature_id.isdigit() and len(feature_id) < 10
            else None
        )
        if row is not None:
            found = {"type": "Feature", "id": row.fid, "geometry": row.geometry, "properties": row.properties}
    else:
        assert source.registered is not None
        found = next(
            (f for f in source.registered.features(request.user) if str(f.get("id")) == feature_id), None
        )
    if found is None:
        return _not_found(_("'%(id)s' 객체가 없습니다.") % {"id": feature_id[:60]})
    body = dict(found, geometry=_out(found.get("geometry"), crs))
    body["links"] = [
        {
            "href": _abs(request, "item", source.id, feature_id),
            "rel": "self",
            "type": GEOJSON,
            "title": _("이 객체"),
        },
        {
            "href": _abs(request, "collection", source.id),
            "rel": "collection",
            "type": JSON,
            "title": source.title,
        },
    ]
    return _json(body, content_type=GEOJSON, headers={"Content-Crs": f"<{crs}>"})
