"""Whole-plan export and import (one JSON document, see docs/dataset-format.md) and the bundled
datasets. An import validates every record first and loads nothing if any record is invalid."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from . import audit
from .records import REGISTRY, RecordType

# libyaml's safe loader when PyYAML was built with it: the same data, parsed several times faster.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FORMAT = "cityhall.plan/1"
DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
DOCUMENT_FIELDS = ("code", "title", "organisation", "city", "year", "source_file")


@dataclass
class ImportReport:
    counts: dict[str, int] = field(default_factory=dict)


class PlanImportError(Exception):
    """The document is invalid; ``errors`` lists every problem as 'where: what'."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


# The record of the source document itself (code, title, year …): the app that owns it registers its
# model in AppConfig.ready.
_document: type[models.Model] | None = None


def register_document_model(model: type[models.Model]) -> None:
    global _document
    _document = model


def _document_model() -> type[models.Model]:
    if _document is None:
        raise ImproperlyConfigured("No app registered the plan document model (register_document_model).")
    return _document


def export_document() -> dict[str, Any]:
    """Every record of the loaded plan, references by code and money in won."""
    document = _document_model()._default_manager.first()
    out: dict[str, Any] = {
        "format": FORMAT,
        "document": {f: getattr(document, f) for f in DOCUMENT_FIELDS} if document else None,
    }
    keys: dict[str, dict[int, str]] = {}
    for name, rtype in REGISTRY.items():
        if rtype.key:
            keys[name] = dict(rtype.model._default_manager.values_list("pk", rtype.key))
    for name, rtype in REGISTRY.items():
        rows = rtype.model._default_manager.order_by("pk")
        # "Changed at" stamps the database sets on every save are not part of the record: an import
        # would set them anew, and the export of an import would differ from the file it came from.
        stamped = [s.name for s in rtype.fields if getattr(s.field, "auto_now", False)]
        out[name] = [_without(rtype.to_data(obj, keys), stamped) for obj in rows.iterator(chunk_size=2000)]
    return out


def _without(data: dict[str, Any], names: list[str]) -> dict[str, Any]:
    for name in names:
        data.pop(name, None)
    return data


def database_is_empty() -> bool:
    return not any(rtype.model._default_manager.exists() for rtype in REGISTRY.values()) and not (
        _document_model()._default_manager.exists()
    )


def _where(rtype: RecordType, index: int, record: Any) -> str:
    key = record.get(rtype.key) if isinstance(record, dict) and rtype.key else None
    return f"{rtype.name}[{index}]" + (f" ({key})" if key else "")


def _self_ref_levels(rtype: RecordType, objs: list[models.Model]) -> list[list[models.Model]]:
    """Split records so that a record's parent of the same type is saved before it."""
    self_refs = [s.name for s in rtype.ref_specs if s.target == rtype.name]
    if not self_refs:
        return [objs]
    depth: dict[int, int] = {}

    def level(obj: models.Model, seen: frozenset[int] = frozenset()) -> int:
        if id(obj) in depth:
            return depth[id(obj)]
        refs = [getattr(obj, n, None) for n in self_refs]
        parents: list[models.Model] = [p for p in refs if p is not None and p.pk is None]
        if id(obj) in seen:
            raise PlanImportError([f"{rtype.name}: 상위 참조가 순환합니다 ({obj})"])
        d = 1 + max((level(p, seen | {id(obj)}) for p in parents), default=-1)
        depth[id(obj)] = d
        return d

    buckets: dict[int, list[models.Model]] = defaultdict(list)
    for obj in objs:
        buckets[level(obj)].append(obj)
    return [buckets[d] for d in sorted(buckets)]


def validate_document(doc: Any) -> tuple[dict[str, list[models.Model]], list[str]]:
    """Build every record in memory and validate it; return the records and all errors."""
    errors: list[str] = []
    if not isinstance(doc, dict):
        return {}, ["문서는 JSON 객체여야 합니다."]
    if doc.get("format", FORMAT) != FORMAT:
        errors.append(f"format: '{doc.get('format')}'은(는) 지원하지 않는 형식입니다 ({FORMAT}).")
    for name in doc:
        if name not in REGISTRY and name not in {"format", "document"}:
            errors.append(f"{name}: 알 수 없는 기록 유형입니다.")
    document = doc.get("document")
    if document is not None:
        if not isinstance(document, dict):
            errors.append("document: 객체여야 합니다.")
        else:
            unknown = set(document) - set(DOCUMENT_FIELDS)
            errors += [f"document.{u}: 알 수 없는 필드입니다." for u in sorted(unknown)]
    # Pass 1: a bare instance per record, so references (also forward and to the same type) resolve.
    built: dict[str, list[tuple[int, Any, models.Model]]] = {}
    keys: dict[str, dict[str, models.Model]] = {}
    for name, rtype in REGISTRY.items():
        records = doc.get(name, [])
        if not isinstance(records, list):
            errors.append(f"{name}: 기록 목록(list)이어야 합니다.")
            records = []
        built[name] = [(i, r, rtype.model()) for i, r in enumerate(records)]
        if rtype.key:
            keys[name] = {}
            for i, r, obj in built[name]:
                key = r.get(rtype.key) if isinstance(r, dict) else None
                if isinstance(key, str) and key:
                    if key in keys[name]:
                        errors.append(f"{_where(rtype, i, r)}: {rtype.key}: 같은 코드가 이미 있습니다.")
                    keys[name][key] = obj

    def resolve(target: RecordType, key: str) -> models.Model | None:
        return keys.get(target.name, {}).get(key)

    # Pass 2: fill and validate each record; check unique constraints within the document.
    result: dict[str, list[models.Model]] = {}
    for name, rtype in REGISTRY.items():
        uniques = [tuple(c.fields) for c in rtype.model._meta.total_unique_constraints]
        seen: dict[tuple, set] = defaultdict(set)
        objs = []
        for i, r, obj in built[name]:
            field_errors = rtype.fill(obj, r, resolve)
            if not field_errors:
                field_errors = rtype.validate(obj, saved_refs=False)
            for fname, messages in field_errors.items():
                errors += [f"{_where(rtype, i, r)}: {fname}: {m}" for m in messages]
            if not field_errors:
                for fields in uniques:
                    value = tuple(
                        id(v) if isinstance(v := getattr(obj, f), models.Model) else v for f in fields
                    )
                    if value in seen[fields]:
                        errors.append(
                            f"{_where(rtype, i, r)}: {', '.join(fields)}: 같은 값의 기록이 이미 있습니다."
                        )
                    seen[fields].add(value)
            objs.append(obj)
        result[name] = objs
    return result, errors


def import_document(doc: Any, *, actor: audit.Actor) -> ImportReport:
    """Load a plan document into an empty database: all records or none."""
    records, errors = validate_document(doc)
    if errors:
        raise PlanImportError(errors)
    if not database_is_empty():
        raise PlanImportError(["데이터베이스가 비어 있지 않습니다. 빈 데이터베이스에만 가져올 수 있습니다."])
    report = ImportReport()
    with transaction.atomic():
        if doc.get("document"):
            _document_model()._default_manager.create(**doc["document"])
        events = []
        for name, rtype in REGISTRY.items():
            # bulk_create takes each reference's id from its target, saved by an earlier level/type.
            for level in _self_ref_levels(rtype, records[name]):
                rtype.model._default_manager.bulk_create(level, batch_size=500)
            events += [
                audit.event(actor, "create", rtype, obj, after=rtype.to_data(obj)) for obj in records[name]
            ]
            report.counts[name] = len(records[name])
        audit.record_many(events)
    return report


def read_dataset(name: str) -> dict[str, Any]:
    """Merge a bundled dataset's YAML files into one plan document."""
    folder = DATASETS_DIR / name
    manifest_path = folder / "dataset.yaml"
    if not manifest_path.exists():
        available = ", ".join(sorted(p.name for p in DATASETS_DIR.iterdir() if (p / "dataset.yaml").exists()))
        raise PlanImportError([f"데이터셋 '{name}'이(가) 없습니다. 있는 것: {available}"])
    manifest = yaml.load(manifest_path.read_text(encoding="utf-8"), Loader=SafeLoader)  # noqa: S506
    doc: dict[str, Any] = {"format": FORMAT, "document": manifest["document"]}
    errors = []
    for part in manifest["files"]:
        content = yaml.load((folder / part).read_text(encoding="utf-8"), Loader=SafeLoader) or {}  # noqa: S506
        for key, records in content.items():
            if not isinstance(records, list):
                errors.append(f"{part}: {key}: 목록이어야 합니다.")
                continue
            doc.setdefault(key, []).extend(records)
    if errors:
        raise PlanImportError(errors)
    return doc


def source_text(name: str) -> list[str]:
    """The dataset's source document, as lines (index 0 = line 1)."""
    folder = DATASETS_DIR / name
    manifest = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    return (folder / manifest["source"]).read_text(encoding="utf-8").splitlines()
