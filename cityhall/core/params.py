"""Query parameters of every page and API endpoint, parsed in one place.

A view declares what it reads (``@params.page(year=params.Year())`` on pages, ``@params.api(...)`` on
API handlers) and finds the parsed values in ``request.query``. What does not parse never reaches a
query: pages answer 400 with the problem named per parameter (``core/bad_request.html``), the API
422 in its usual shape, ``{"detail": [{"loc": ["query", name], "msg": ...}]}``.

Rules shared by every parameter:

- absent or blank (after trimming spaces) means "not given": the parameter's default;
- control characters (NUL and the like) are refused everywhere: PostgreSQL cannot store NUL and
  nobody types the others;
- numbers and dates are read after Unicode NFKC normalisation, so full-width digits typed with a
  Korean input method (``２０２５``) count as ``2025``; after that only ASCII digits are digits (no
  other scripts' digits, no ``_`` separators, no spaces inside);
- a sign is refused unless the parameter allows negative numbers (``-``) — a ``+`` never;
- numbers have bounds (and at most 18 digits), so no value can overflow a database integer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal as D
from decimal import InvalidOperation
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGITS = re.compile(r"-?[0-9]+", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII)
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
MAX_DIGITS = 18
TRUE = frozenset({"1", "true", "on", "yes"})
FALSE = frozenset({"0", "false", "off", "no"})


class ParamError(Exception):
    """Query parameters that do not parse: ``errors`` maps a parameter's name to what is wrong."""

    def __init__(self, errors: Mapping[str, str], labels: Mapping[str, str] | None = None):
        self.errors = dict(errors)
        self.labels = dict(labels or {})
        super().__init__("; ".join(self.messages()))

    def messages(self) -> list[str]:
        """One line per parameter, naming it: ``연도(year): …``."""
        out = []
        for name, problem in self.errors.items():
            label = self.labels.get(name)
            shown = f"{label}({name})" if label and label != name else name
            out.append(_("%(param)s: %(problem)s") % {"param": shown, "problem": problem})
        return out

    def api_detail(self) -> list[dict[str, Any]]:
        return [
            {"loc": ["query", name], "msg": problem, "type": "value_error"}
            for name, problem in self.errors.items()
        ]


class Invalid(Exception):
    """Raised by a parameter's ``convert``: the message says what is wrong with the value."""


def _shown(raw: str) -> str:
    return raw if len(raw) <= 20 else raw[:20] + "…"


@dataclass(frozen=True)
class Param:
    """A query parameter: ``label`` names it in messages; blank or absent gives ``default``."""

    label: Any = ""  # a lazily translated string
    default: Any = None
    required: bool = False
    kind = "text"

    def parse(self, raw: str | None) -> Any:
        if raw is None:
            return self._missing()
        if _CONTROL.search(raw):
            raise Invalid(_("제어 문자(NUL 등)는 쓸 수 없습니다."))
        text = raw.strip()
        if not text:
            return self._missing()
        return self.convert(text)

    def _missing(self) -> Any:
        if self.required:
            raise Invalid(_("값을 입력하세요."))
        return self.default

    def convert(self, text: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string"}


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class Int(Param):
    """A whole number between ``min`` and ``max``; negative only if ``min`` is below zero."""

    min: int = 0
    max: int = 10**9
    commas: bool = False  # accept thousands separators (2,555)
    kind = "int"

    def convert(self, text: str) -> int:
        value = _normal(text)
        if self.commas and re.fullmatch(r"-?[0-9]{1,3}(,[0-9]{3})+", value, re.ASCII):
            value = value.replace(",", "")
        if not _DIGITS.fullmatch(value) or (value.startswith("-") and self.min >= 0):
            if value[:1] in {"-", "+"} and value[1:].isascii() and value[1:].isdigit():
                raise Invalid(_("'%(value)s': 부호(+, -) 없이 숫자만 입력하세요.") % {"value": _shown(text)})
            raise Invalid(_("'%(value)s'은(는) 정수가 아닙니다.") % {"value": _shown(text)})
        if len(value.lstrip("-")) > MAX_DIGITS or not self.min <= int(value) <= self.max:
            raise Invalid(
                _("%(value)s은(는) 범위를 벗어납니다. %(min)s~%(max)s 사이로 입력하세요.")
                % {"value": _shown(text), "min": self.min, "max": self.max}
            )
        return int(value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.min, "maximum": self.max}


@dataclass(frozen=True)
class Year(Int):
    min: int = 1900
    max: int = 2100
    kind = "year"


@dataclass(frozen=True)
class Decimal(Param):
    """A decimal number (``1.15``) between ``min`` and ``max``; thousands commas are allowed."""

    min: D = D(0)
    max: D = D(10**9)
    kind = "decimal"

    def convert(self, text: str) -> D:
        value = _normal(text).replace(",", "")
        if not _DECIMAL.fullmatch(value) or (value.startswith("-") and self.min >= 0):
            raise Invalid(_("'%(value)s'은(는) 숫자가 아닙니다.") % {"value": _shown(text)})
        if len(value.lstrip("-").replace(".", "")) > MAX_DIGITS:
            raise Invalid(_("'%(value)s'은(는) 너무 깁니다.") % {"value": _shown(text)})
        try:
            number = D(value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain decimals
            raise Invalid(_("'%(value)s'은(는) 숫자가 아닙니다.") % {"value": _shown(text)}) from None
        if not self.min <= number <= self.max:
            raise Invalid(
                _("%(value)s은(는) 범위를 벗어납니다. %(min)s~%(max)s 사이로 입력하세요.")
                % {"value": _shown(text), "min": self.min, "max": self.max}
            )
        return number

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": float(self.min), "maximum": float(self.max)}


@dataclass(frozen=True)
class Date(Param):
    """An ISO date (``2025-04-15``) between ``min`` and ``max``."""

    min: date = date(2000, 1, 1)
    max: date = date(2100, 12, 31)
    kind = "date"

    def convert(self, text: str) -> date:
        match = _ISO_DATE.fullmatch(_normal(text))
        if match is None:
            raise Invalid(
                _("'%(value)s'은(는) 날짜가 아닙니다. 2025-04-15처럼 입력하세요.") % {"value": _shown(text)}
            )
        try:
            value = date(*(int(part) for part in match.groups()))
        except ValueError:
            raise Invalid(_("%(value)s은(는) 없는 날짜입니다.") % {"value": _shown(text)}) from None
        if not self.min <= value <= self.max:
            raise Invalid(
                _("%(value)s은(는) 범위를 벗어납니다. %(min)s~%(max)s 사이로 입력하세요.")
                % {"value": _shown(text), "min": self.min.isoformat(), "max": self.max.isoformat()}
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class Month(Param):
    """A month as ``YYYY-MM`` (``2025-03``) → (year, month), years 2000–2100."""

    kind = "month"

    def convert(self, text: str) -> tuple[int, int]:
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", _normal(text))
        if match is not None:
            year, month = int(match.group(1)), int(match.group(2))
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return year, month
        raise Invalid(_("'%(value)s'은(는) 월이 아닙니다. 2025-03처럼 입력하세요.") % {"value": _shown(text)})

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[0-9]{4}-[0-9]{1,2}$"}


@dataclass(frozen=True)
class Bool(Param):
    """``true``/``false`` (also ``1``/``0``, ``on``/``off``, ``yes``/``no``)."""

    kind = "bool"

    def convert(self, text: str) -> bool:
        value = _normal(text).lower()
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        raise Invalid(_("'%(value)s': true 또는 false로 입력하세요.") % {"value": _shown(text)})

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(Param):
    """One of ``choices`` — a fixed list, or a function returning the current ones (codes in the
    database). Compared as typed: no normalisation, codes are ASCII."""

    choices: Iterable[str] | Callable[[], Iterable[str]] = ()
    kind = "choice"

    def values(self) -> list[str]:
        found = self.choices() if callable(self.choices) else self.choices
        return [str(c) for c in found]

    def convert(self, text: str) -> str:
        known = self.values()
        if text not in known:
            listed = ", ".join(known[:12]) + (", …" if len(known) > 12 else "")
            raise Invalid(
                _("'%(value)s'은(는) 고를 수 있는 값이 아닙니다. 가능한 값: %(choices)s")
                % {"value": _shown(text), "choices": listed}
            )
        return text

    def json_schema(self) -> dict[str, Any]:
        if callable(self.choices):
            return {"type": "string"}
        return {"type": "string", "enum": self.values()}


@dataclass(frozen=True)
class Text(Param):
    """Free text (a search), at most ``max_length`` characters."""

    max_length: int = 100
    kind = "text"

    def convert(self, text: str) -> str:
        if len(text) > self.max_length:
            raise Invalid(_("%(max)d자 이하로 입력하세요.") % {"max": self.max_length})
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "maxLength": self.max_length}


PAGE = Int(label=gettext_lazy("쪽"), default=1, min=1, max=10**6)


def next_url(request, default: str = "/") -> str:
    """Where to go after a form (``next`` in the form or the query, as Django's login reads it): only a
    path on this site, never another host."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


Spec = Mapping[str, Param]


@dataclass
class Parsed:
    """Parsed values by name (``parsed["year"]`` or ``parsed.year``)."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def given(self) -> dict[str, Any]:
        """The values that were given (not defaulted to ``None``)."""
        return {k: v for k, v in self.values.items() if v is not None}


def parse(data: Mapping[str, str], spec: Spec) -> Parsed:
    """Parse ``spec``'s parameters out of ``data`` (``request.GET``): every problem at once."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, param in spec.items():
        try:
            values[name] = param.parse(data.get(name))
        except Invalid as exc:
            errors[name] = str(exc)
    if errors:
        raise ParamError(errors, {name: str(spec[name].label) for name in errors})
    return Parsed(values)


def typed(request: HttpRequest, name: str, limit: int = 100) -> str:
    """What was typed for ``name``, to show back in the form beside its error (never parsed)."""
    return _CONTROL.sub("", request.GET.get(name, ""))[:limit]


def bad_request(request: HttpRequest, error: ParamError) -> HttpResponse:
    """The 400 page for query parameters that do not parse."""
    return render(request, "core/bad_request.html", {"problems": error.messages()}, status=400)


def page(on_error: Callable[..., HttpResponse] | None = None, **spec: Param):
    """Declare a page's query parameters; the view reads them from ``request.query``. Anything that
    does not parse answers 400 before the view runs: the generic page, or ``on_error(request,
    error, *args, **kwargs)`` for a page that shows the problem beside its own filter form."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                request.query = parse(request.GET, spec)
            except ParamError as exc:
                if on_error is not None:
                    return on_error(request, exc, *args, **kwargs)
                return bad_request(request, exc)
            return view(request, *args, **kwargs)

        wrapped.query_params = spec
        return wrapped

    return decorate


def api(**spec: Param):
    """Declare an API handler's query parameters (``request.query``); a value that does not parse
    raises ``ParamError``, which the API answers with 422. The OpenAPI document lists them through
    ``openapi_parameters``."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.query = parse(request.GET, spec)
            return view(request, *args, **kwargs)

        wrapped.query_params = spec
        return wrapped

    return decorate


def openapi_parameters(spec: Spec) -> list[dict[str, Any]]:
    """The OpenAPI "parameters" entries of a spec (for ``openapi_extra``)."""
    return [
        {
            "in": "query",
            "name": name,
            "required": param.required,
            "description": str(param.label),
            "schema": param.json_schema(),
        }
        for name, param in spec.items()
    ]
