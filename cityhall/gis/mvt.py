"""Mapbox Vector Tile 2.1 encoding and decoding (protocol buffers by hand, ADR 0031).

The maintained Python encoder, ``mapbox-vector-tile``, requires protobuf < 7 and the bus app's
``gtfs-realtime-bindings`` requires protobuf ≥ 7.34: pip cannot install both. The MVT wire format is
small (a tile of layers; a layer of a name, features, keys, values and an extent; a feature of an
id, tag pairs, a type and geometry commands), so it is written here after the specification
(https://github.com/mapbox/vector-tile-spec/tree/master/2.1) — our own code, checked against
PostGIS's ``ST_AsMVT`` output in ``tests/test_tiles_postgres.py``.

``encode`` takes shapely geometries already in tile coordinates (integers, y down);
``decode`` gives each feature's id, type, properties and rings (lists of points).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Any

POINT, LINESTRING, POLYGON = 1, 2, 3
MOVE_TO, LINE_TO, CLOSE_PATH = 1, 2, 7


# -- writing -------------------------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 63)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _bytes(field: int, data: bytes) -> bytes:
    return _key(field, 2) + _varint(len(data)) + data


def _packed(field: int, numbers: Iterable[int]) -> bytes:
    return _bytes(field, b"".join(_varint(n) for n in numbers))


def _value(value: Any) -> bytes:
    if isinstance(value, bool):
        return _key(7, 0) + _varint(int(value))
    if isinstance(value, int):
        if value < 0:
            return _key(6, 0) + _varint(_zigzag(value))
        return _key(5, 0) + _varint(value)
    if isinstance(value, float):
        return _key(3, 1) + struct.pack("<d", value)
    return _bytes(1, str(value).encode("utf-8"))


class _Cursor:
    def __init__(self) -> None:
        self.x = 0
        self.y = 0
        self.out: list[int] = []

    def command(self, command: int, points: list[tuple[int, int]]) -> None:
        self.out.append((len(points) << 3) | command)
        for x, y in points:
            self.out += [_zigzag(x - self.x), _zigzag(y - self.y)]
            self.x, self.y = x, y


def _points(coords: Iterable[tuple[float, ...]]) -> list[tuple[int, int]]:
    """Integer points with repeats dropped."""
    out: list[tuple[int, int]] = []
    for c in coords:
        p = (round(c[0]), round(c[1]))
        if not out or out[-1] != p:
            out.append(p)
    return out


def _geometry(geom) -> tuple[int, list[int]] | None:
    """(type, commands) of a shapely geometry in tile coordinates; None when nothing is left."""
    import shapely

    cursor = _Cursor()
    kind = geom.geom_type
    parts = list(geom.geoms) if kind.startswith("Multi") or kind == "GeometryCollection" else [geom]
    if kind in ("Point", "MultiPoint"):
        points = [(round(p.x), round(p.y)) for p in parts if not p.is_empty]
        if not points:
            return None
        cursor.command(MOVE_TO, points)
        return POINT, cursor.out
    if kind in ("LineString", "MultiLineString"):
        for line in parts:
            points = _points(line.coords)
            if len(points) >= 2:
                cursor.command(MOVE_TO, points[:1])
                cursor.command(LINE_TO, points[1:])
        return (LINESTRING, cursor.out) if cursor.out else None
    if kind in ("Polygon", "MultiPolygon"):
        for polygon in parts:
            # The exterior's area positive in tile coordinates (y down: clockwise on screen), holes negative.
            polygon = shapely.orient_polygons(polygon, exterior_cw=False)
            for ring in [polygon.exterior, *polygon.interiors]:
                points = _points(ring.coords[:-1])
                if len(points) >= 3:
                    cursor.command(MOVE_TO, points[:1])
                    cursor.command(LINE_TO, points[1:])
                    cursor.out.append((1 << 3) | CLOSE_PATH)
        return (POLYGON, cursor.out) if cursor.out else None
    if kind == "GeometryCollection":  # what make_valid may leave: keep its polygons
        polygons = [g for g in parts if g.geom_type in ("Polygon", "MultiPolygon")]
        return _geometry(shapely.union_all(polygons)) if polygons else None
    return None


def encode(name: str, features: Iterable[tuple[int, Any, dict[str, Any]]], extent: int = 4096) -> bytes:
    """One layer ``name`` of (id, shapely geometry in tile coordinates, scalar properties)."""
    keys: dict[str, int] = {}
    values: dict[tuple[type, Any], int] = {}
    encoded = []
    for fid, geom, props in features:
        found = _geometry(geom)
        if found is None:
            continue
        kind, commands = found
        tags: list[int] = []
        for key, value in props.items():
            tags.append(keys.setdefault(key, len(keys)))
            tags.append(values.setdefault((type(value), value), len(values)))
        encoded.append(
            _key(1, 0) + _varint(fid) + _packed(2, tags) + _key(3, 0) + _varint(kind) + _packed(4, commands)
        )
    if not encoded:
        return b""
    layer = _key(15, 0) + _varint(2) + _bytes(1, name.encode("utf-8"))
    layer += b"".join(_bytes(2, f) for f in encoded)
    layer += b"".join(_bytes(3, k.encode("utf-8")) for k in keys)
    layer += b"".join(_bytes(4, _value(v)) for (_t, v) in values)
    layer += _key(5, 0) + _varint(extent)
    return _bytes(3, layer)


# -- reading -------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def varint(self) -> int:
        result = shift = 0
        while True:
            byte = self.data[self.pos]
            self.pos += 1
            result |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return result

    def fields(self):
        while self.pos < len(self.data):
            key = self.varint()
            field, wire = key >> 3, key & 7
            if wire == 0:
                yield field, self.varint()
            elif wire == 1:
                yield field, self.data[self.pos : self.pos + 8]
                self.pos += 8
            elif wire == 2:
                n = self.varint()
                yield field, self.data[self.pos : self.pos + n]
                self.pos += n
            elif wire == 5:
                yield field, self.data[self.pos : self.pos + 4]
                self.pos += 4
            else:
                raise ValueError(f"MVT: wire type {wire}")


def _unzig(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def _unpack(data: bytes) -> list[int]:
    reader, out = _Reader(data), []
    while reader.pos < len(data):
        out.append(reader.varint())
    return out


def _read_value(data: bytes) -> Any:
    for field, raw in _Reader(data).fields():
        if field == 1:
            return raw.decode("utf-8")
        if field == 2:
            return struct.unpack("<f", raw)[0]
        if field == 3:
            return struct.unpack("<d", raw)[0]
        if field in (4, 5):
            return raw if raw < 2**63 or field == 5 else raw - 2**64
        if field == 6:
            return _unzig(raw)
        if field == 7:
            return bool(raw)
    return None


def _rings(commands: list[int]) -> list[list[tuple[int, int]]]:
    rings: list[list[tuple[int, int]]] = []
    x = y = i = 0
    while i < len(commands):
        command, count = commands[i] & 7, commands[i] >> 3
        i += 1
        if command in (MOVE_TO, LINE_TO):
            for _n in range(count):
                x += _unzig(commands[i])
                y += _unzig(commands[i + 1])
                i += 2
                if command == MOVE_TO:
                    rings.append([])
                rings[-1].append((x, y))
        elif command == CLOSE_PATH:
            rings[-1].append(rings[-1][0])
        else:
            raise ValueError(f"MVT: command {command}")
    return rings


def decode(tile: bytes) -> dict[str, dict[str, Any]]:
    """{layer name: {"extent", "features": [{"id", "type", "properties", "rings"}]}}."""
    layers: dict[str, dict[str, Any]] = {}
    for field, raw in _Reader(tile).fields():
        if field != 3:
            continue
        name, extent, keys, values, raw_features = "", 4096, [], [], []
        for lf, lraw in _Reader(raw).fields():
            if lf == 1:
                name = lraw.decode("utf-8")
            elif lf == 2:
                raw_features.append(lraw)
            elif lf == 3:
                keys.append(lraw.decode("utf-8"))
            elif lf == 4:
                values.append(_read_value(lraw))
            elif lf == 5:
                extent = lraw
        features = []
        for fraw in raw_features:
            feature: dict[str, Any] = {"id": None, "type": 0, "properties": {}, "rings": []}
            for ff, fval in _Reader(fraw).fields():
                if ff == 1:
                    feature["id"] = fval
                elif ff == 2:
                    tags = _unpack(fval)
                    feature["properties"] = {
                        keys[tags[i]]: values[tags[i + 1]] for i in range(0, len(tags) - 1, 2)
                    }
                elif ff == 3:
                    feature["type"] = fval
                elif ff == 4:
                    feature["rings"] = _rings(_unpack(fval))
            features.append(feature)
        layers[name] = {"extent": extent, "features": features}
    return layers
