"""NGSI-LD read access (ETSI GS CIM 009, the "Retrieve entity" and "Query entities" operations) to
the registry, after the FIWARE Smart Data Models ``Streetlight`` and ``StreetlightControlCabinet``.

Mounted under ``/api/v1/streetlights/``, so the NGSI-LD base is ``/api/v1/streetlights/ngsi-ld/v1``.
Same authentication and roles as the rest of the API: anyone with a role may read. Retired devices
are not in the field and are not served.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja import Router

from cityhall.core import params
from cityhall.core.permissions import require_role

from . import ngsi, selectors

router = Router(tags=["스마트가로등 NGSI-LD"])

ERROR_BASE = "https://uri.etsi.org/ngsi-ld/errors/"
MAX_LIMIT = 1000


def _json(data: Any, *, status: int = 200, content_type: str = ngsi.CONTENT_TYPE) -> HttpResponse:
    return HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=content_type)


def _problem(kind: str, title: str, detail: str, status: int) -> HttpResponse:
    """An NGSI-LD error (RFC 7807 problem details)."""
    body = {"type": ERROR_BASE + kind, "title": title, "detail": detail}
    return _json(body, status=status, content_type="application/json")


ENTITY_QUERY = {
    "type": params.Text(
        label="엔티티 유형 (Streetlight, StreetlightControlCabinet; 쉼표로 여럿)", max_length=200
    ),
    "limit": params.Int(label="최대 개수", default=20, min=0, max=MAX_LIMIT),
    "offset": params.Int(label="건너뛸 개수", default=0, min=0, max=10**9),
    "count": params.Bool(label="전체 개수 (NGSILD-Results-Count 헤더)", default=False),
}


@router.get(
    "/ngsi-ld/v1/entities",
    summary="NGSI-LD 엔티티 조회 (가로등·기지국)",
    response={200: list[dict[str, Any]], 400: dict[str, Any]},
    openapi_extra={"parameters": params.openapi_parameters(ENTITY_QUERY)},
)
def query_entities(request):
    require_role(request.user)
    try:
        query = params.parse(request.GET, ENTITY_QUERY)
    except params.ParamError as exc:  # NGSI-LD's own error shape
        return _problem("BadRequestData", "잘못된 매개변수", " ".join(exc.messages()), 400)
    if not query.type:
        return _problem(
            "BadRequestData", "type이 필요합니다", "type 매개변수(엔티티 유형)를 주어야 합니다.", 400
        )
    kinds = [k.strip() for k in query.type.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in ngsi.TYPES]
    if unknown:
        # NGSI-LD answers an empty list for types it has no entities of.
        kinds = [k for k in kinds if k in ngsi.TYPES]
    entities: list[dict[str, Any]] = []
    total = 0
    end = query.offset + query.limit
    for kind in ngsi.TYPES:
        if kind not in kinds:
            continue
        qs = (
            selectors.lights_in_service(request.user)
            if kind == ngsi.LIGHT_TYPE
            else selectors.stations_in_service(request.user)
        )
        n = qs.count()
        start, stop = max(query.offset - total, 0), max(end - total, 0)
        page = list(qs[start:stop]) if stop > start and start < n else []
        total += n
        if kind == ngsi.LIGHT_TYPE:
            states = selectors.device_states([light.code for light in page])
            entities += [ngsi.light_entity(light, states.get(light.code)) for light in page]
        else:
            entities += [ngsi.cabinet_entity(station, station.n_lights) for station in page]
    response = _json(entities)
    if query.count:
        response["NGSILD-Results-Count"] = str(total)
    return response


query_entities.query_params = ENTITY_QUERY  # parsed in the handler: errors in NGSI-LD's shape


@router.get(
    "/ngsi-ld/v1/entities/{entity_id}",
    summary="NGSI-LD 엔티티 하나 (가로등·기지국)",
    response={200: dict[str, Any], 404: dict[str, Any]},
)
def retrieve_entity(request, entity_id: str):
    require_role(request.user)
    parsed = ngsi.parse_entity_id(entity_id)
    if parsed is not None:
        kind, code = parsed
        if kind == ngsi.LIGHT_TYPE:
            light = selectors.lights_in_service(request.user).filter(code=code).first()
            if light is not None:
                return _json(ngsi.light_entity(light, selectors.device_states([code]).get(code)))
        else:
            station = selectors.stations_in_service(request.user).filter(code=code).first()
            if station is not None:
                return _json(ngsi.cabinet_entity(station, station.n_lights))
    return _problem("ResourceNotFound", "엔티티가 없습니다", f"엔티티 {entity_id}이(가) 없습니다.", 404)
