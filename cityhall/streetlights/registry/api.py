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
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

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


class EntityQuery(Schema):
    type: str | None = NinjaField(None, description="Streetlight, StreetlightControlCabinet (쉼표로 여럿)")
    limit: int = NinjaField(20, ge=0, le=MAX_LIMIT, description="최대 개수 (NGSI-LD 기본 20)")
    offset: int = NinjaField(0, ge=0)
    count: bool = NinjaField(False, description="true면 전체 개수를 NGSILD-Results-Count 헤더로 보냅니다")


@router.get(
    "/ngsi-ld/v1/entities",
    summary="NGSI-LD 엔티티 조회 (가로등·기지국)",
    response={200: list[dict[str, Any]], 400: dict[str, Any]},
)
def query_entities(request, params: Query[EntityQuery]):
    require_role(request.user)
    if not params.type:
        return _problem(
            "BadRequestData", "type이 필요합니다", "type 매개변수(엔티티 유형)를 주어야 합니다.", 400
        )
    kinds = [k.strip() for k in params.type.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in ngsi.TYPES]
    if unknown:
        # NGSI-LD answers an empty list for types it has no entities of.
        kinds = [k for k in kinds if k in ngsi.TYPES]
    entities: list[dict[str, Any]] = []
    total = 0
    end = params.offset + params.limit
    for kind in ngsi.TYPES:
        if kind not in kinds:
            continue
        qs = (
            selectors.lights_in_service(request.user)
            if kind == ngsi.LIGHT_TYPE
            else selectors.stations_in_service(request.user)
        )
        n = qs.count()
        start, stop = max(params.offset - total, 0), max(end - total, 0)
        page = list(qs[start:stop]) if stop > start and start < n else []
        total += n
        if kind == ngsi.LIGHT_TYPE:
            states = selectors.device_states([light.code for light in page])
            entities += [ngsi.light_entity(light, states.get(light.code)) for light in page]
        else:
            entities += [ngsi.cabinet_entity(station, station.n_lights) for station in page]
    response = _json(entities)
    if params.count:
        response["NGSILD-Results-Count"] = str(total)
    return response


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
