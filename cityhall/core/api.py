"""The REST API under /api/v1: one OpenAPI-described router per record type, built from the record
registry, so every type has the same list/detail/create/update/delete/history endpoints.

Handlers are thin: they parse, call core.services, and map its exceptions to 4xx answers.
"""

from collections.abc import Callable
from datetime import date, datetime, time
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Router, Schema, Status, Swagger
from ninja.errors import AuthenticationError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyHeader, HttpBearer, django_auth
from pydantic import ConfigDict, StrictFloat, StrictInt, create_model

from . import audit, filters, params, services
from .filters import record_filters
from .masking import mask_fields
from .models import ApiToken, MoneyField
from .permissions import CHANGE, VIEW, allowed, require_role, restrict
from .records import REGISTRY, FieldSpec, RecordType


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for machines (tokens from ``cityhall token``)."""

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.authenticate(token)
        if found is None:
            return None
        now = timezone.now()
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        return found.user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        return TokenAuth().authenticate(request, key) if key else None


class KoreanJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


class StrictSchema(Schema):
    """Request bodies: a field the record type does not have is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _schema_access(view):
    """The OpenAPI document and the docs page: for signed-in staff (session) and for token holders
    (``Authorization: Bearer`` or ``X-API-Token``), so client generators and test tools can read the
    schema; never for anonymous callers. The schema names every record type and field."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            user = TokenAuth()(request) or TokenHeaderAuth()(request)
            if user is None:
                if request.headers.get("Authorization") or request.headers.get("X-API-Token"):
                    return JsonResponse(
                        {"detail": "로그인하거나 API 토큰을 보내야 합니다."},
                        status=401,
                        json_dumps_params={"ensure_ascii": False},
                    )
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class CityhallAPI(NinjaAPI):
    """The OpenAPI document is built once per process and language (~150 ms otherwise, on every
    request): it depends only on the code, which changes with a deploy, so it is never invalidated.
    Callers must not change the returned document."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language())
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return schema


_SCHEMAS: dict[tuple[str, str | None], Any] = {}

api = CityhallAPI(
    renderer=KoreanJSONRenderer(),
    title="cityhall API",
    version="1",
    description="기획조정실 업무 플랫폼 API. 브라우저는 세션(로그인), 기계는 토큰(Bearer)으로 인증합니다.",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    urls_namespace="api",
    docs_decorator=_schema_access,
    # Without deep links, no link sits inside an operation's expand button (nested interactive controls).
    docs=Swagger(settings={"deepLinking": False}),
)


class Problem(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Problems(Schema):
    """The one 422 answer of the whole API (services raise ``RecordInvalid``; schema errors alike)."""

    detail: list[Problem]


def _error(where: str, field: str, message: str) -> dict[str, Any]:
    return {"loc": [where, field], "msg": message, "type": "value_error"}


@api.exception_handler(services.RecordInvalid)
def _invalid(request, exc: services.RecordInvalid):
    # A read is parameterised by its query, a write by its body.
    where = "query" if request.method == "GET" else "body"
    detail = [_error(where, f, m) for f, messages in exc.errors.items() for m in messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(services.RecordInUse)
def _in_use(request, exc: services.RecordInUse):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PermissionDenied)
def _denied(request, exc: PermissionDenied):
    return api.create_response(request, {"detail": str(exc) or "권한이 없습니다."}, status=403)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "로그인하거나 API 토큰을 보내야 합니다."}, status=401)


@api.exception_handler(params.ParamError)
def _bad_query(request, exc: params.ParamError):
    return api.create_response(request, {"detail": exc.api_detail()}, status=422)


@api.exception_handler(ValidationError)
def _validation(request, exc: ValidationError):
    """Schema errors in the shape of record errors: ``["body", field]``, one entry per field (ninja
    puts the handler's parameter name after "body", and a union type adds one error per member)."""
    detail: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if loc[:1] == ["body"]:
            loc = loc[:1] + loc[2:3]
        if tuple(loc) in seen:
            continue
        seen.add(tuple(loc))
        detail.append({**error, "loc": loc})
    return api.create_response(request, {"detail": detail}, status=422)


# -- schemas built from the registry ---------------------------------------------------------------


def _python_type(spec: FieldSpec, *, for_input: bool) -> Any:
    f = spec.field
    if spec.is_ref:
        return str
    # Numbers come in strict: pydantic would otherwise read ``true`` as 1 (won).
    if isinstance(f, MoneyField):
        return StrictInt | str if for_input else int
    if isinstance(f, models.BooleanField):
        return bool
    if isinstance(f, (models.IntegerField, models.BigIntegerField)):
        return StrictInt if for_input else int
    if isinstance(f, models.DecimalField):
        return StrictInt | StrictFloat | str if for_input else float
    if isinstance(f, models.FloatField):
        return StrictInt | StrictFloat if for_input else float
    if isinstance(f, models.DateTimeField):
        return datetime
    if isinstance(f, models.DateField):
        return date
    if isinstance(f, models.TimeField):
        return time
    if isinstance(f, models.JSONField):
        return Any
    return str


def _field(spec: FieldSpec) -> Any:
    return Field(description=str(spec.field.verbose_name))


def _out_schema(rtype: RecordType) -> type[Schema]:
    fields: dict[str, Any] = {"id": (int, ...)}
    for spec in rtype.fields:
        fields[spec.name] = (_python_type(spec, for_input=False) | None, _field(spec))
    return create_model(f"{_camel(rtype.name)}Out", __base__=Schema, **fields)


def _in_schema(rtype: RecordType, *, partial: bool) -> type[Schema]:
    fields: dict[str, Any] = {}
    for spec in rtype.fields:
        if not spec.editable:
            continue
        kind = _python_type(spec, for_input=True)
        if spec.required and not partial:
            fields[spec.name] = (kind, _field(spec))
        else:
            fields[spec.name] = (kind | None, Field(None, description=str(spec.field.verbose_name)))
    suffix = "Patch" if partial else "In"
    return create_model(f"{_camel(rtype.name)}{suffix}", __base__=StrictSchema, **fields)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class HistoryOut(Schema):
    timestamp: datetime
    actor: str
    action: str
    before: dict | None
    after: dict | None
    changed_fields: list[str]


class RecordPagination(LimitOffsetPagination):
    """``limit`` (1–1,000, default 100) and ``offset``, parsed like every other query parameter."""

    PARAMS = {
        "limit": params.Int(label="개수", default=100, min=1, max=1000),
        "offset": params.Int(label="건너뛸 개수", default=0, min=0, max=10**9),
    }

    class Input(Schema):
        pass  # documented through ``openapi_parameters``; read from the raw query string

    def __init__(self, *, transform: Callable[[models.Model], dict[str, Any]], **kwargs: Any) -> None:
        self.transform = transform
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **kwargs):
        """One page from the database (``LIMIT``/``OFFSET``) and the total by ``COUNT``: a page of
        five costs what a page of a hundred costs, whatever the table's size."""
        values = params.parse(request.GET, self.PARAMS)
        offset, limit = values.offset, values.limit
        page = queryset[offset : offset + limit]
        return {"items": [self.transform(obj) for obj in page], "count": queryset.count()}


def _router(rtype: RecordType) -> Router:
    router = Router(tags=[rtype.label])
    Out, In, Patch = (
        _out_schema(rtype),
        _in_schema(rtype, partial=False),
        _in_schema(rtype, partial=True),
    )
    list_params = record_filters(rtype.name)
    # Every record type mounts the same handlers: name each operation by its type, so the schema's
    # operationIds stay unique (client generators key their methods on them).
    op = rtype.name.replace("-", "_")

    def visible(request) -> models.QuerySet:
        require_role(request.user)
        return restrict(rtype.queryset(), request.user, VIEW, rtype)

    def out(obj: models.Model) -> dict[str, Any]:
        data = rtype.to_data(obj)
        data["id"] = obj.pk
        return data

    def mask(data: dict[str, Any]) -> dict[str, Any]:
        return mask_fields(data, rtype.personal) or data

    @router.get(
        "/",
        response=list[Out],  # type: ignore[valid-type]
        summary=f"{rtype.label} 목록",
        operation_id=f"{op}_list",
        openapi_extra={"parameters": params.openapi_parameters({**list_params, **RecordPagination.PARAMS})},
    )
    @paginate(RecordPagination, transform=lambda obj: mask(out(obj)))
    @params.api(**list_params)
    def list_records(request):
        qs = filters.apply(rtype, visible(request), request.query)
        return qs.order_by(*(rtype.model._meta.ordering or ["pk"]), "pk")

    list_records.query_params = {**list_params, **RecordPagination.PARAMS}

    @router.get("/{int:record_id}", response=Out, summary=f"{rtype.label} 조회", operation_id=f"{op}_get")
    def get_record(request, record_id: int):
        obj = get_object_or_404(visible(request), pk=record_id)
        # Personal data in full only for those who may change the record.
        return out(obj) if allowed(request.user, CHANGE, rtype, obj) else mask(out(obj))

    @router.get(
        "/{int:record_id}/history",
        response=list[HistoryOut],
        summary=f"{rtype.label} 변경 이력",
        operation_id=f"{op}_history",
    )
    def record_history(request, record_id: int):
        get_object_or_404(visible(request), pk=record_id)
        return [
            {
                "timestamp": e.timestamp,
                "actor": e.actor,
                "action": e.action,
                "before": e.before,
                "after": e.after,
                "changed_fields": e.changed_fields,
            }
            for e in audit.history(rtype, record_id)
        ]

    if rtype.managed_at:  # changed only through the owning app's own endpoints
        return router

    @router.post("/", response={201: Out}, summary=f"{rtype.label} 만들기", operation_id=f"{op}_create")
    def create_record(request, payload: In):  # type: ignore[valid-type]
        data = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
        obj = services.record_create(rtype=rtype, data=data, actor=audit.Actor.for_user(request.user))
        return Status(201, out(rtype.queryset().get(pk=obj.pk)))

    @router.patch(
        "/{int:record_id}", response=Out, summary=f"{rtype.label} 고치기", operation_id=f"{op}_update"
    )
    def update_record(request, record_id: int, payload: Patch):  # type: ignore[valid-type]
        obj = get_object_or_404(visible(request), pk=record_id)
        services.record_update(
            rtype=rtype,
            obj=obj,
            data=payload.dict(exclude_unset=True),  # type: ignore[attr-defined]
            actor=audit.Actor.for_user(request.user),
        )
        return out(rtype.queryset().get(pk=obj.pk))

    @router.delete(
        "/{int:record_id}", response={204: None}, summary=f"{rtype.label} 지우기", operation_id=f"{op}_delete"
    )
    def delete_record(request, record_id: int):
        obj = get_object_or_404(visible(request), pk=record_id)
        services.record_delete(rtype=rtype, obj=obj, actor=audit.Actor.for_user(request.user))
        return Status(204, None)

    return router


for _rtype in REGISTRY.values():
    api.add_router(f"/{_rtype.name.replace('_', '-')}", _router(_rtype))


def mount(prefix: str, router: Router) -> None:
    """Apps with operations beyond plain records (workflows, computed reports) own an ``api.py`` and
    mount its router here from their ``AppConfig.ready``."""
    api.add_router(prefix, router)
