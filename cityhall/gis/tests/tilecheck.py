"""Comparing two vector tiles by what they say, not by their bytes: decoded (``gis.mvt.decode``),
the same layers, feature ids, properties and geometry types, and geometries no further apart than
``tolerance`` tile units (the two paths snap and clip on the same integer grid; PostGIS drops
repeated and collinear points that shapely keeps, so the coordinates lists may differ in length)."""

from __future__ import annotations

from typing import Any


def decoded(tile: bytes) -> dict[str, dict[int, dict[str, Any]]]:
    from cityhall.gis import mvt

    if not tile:
        return {}
    return {name: {f["id"]: f for f in layer["features"]} for name, layer in mvt.decode(tile).items()}


TYPES = {1: "Point", 2: "LineString", 3: "Polygon"}


def linework(feature: dict[str, Any]):
    """A feature's points or rings as one shapely geometry (rings as lines: where they start differs)."""
    from shapely import MultiLineString, MultiPoint

    if feature["type"] == 1:
        return MultiPoint([p for ring in feature["rings"] for p in ring])
    return MultiLineString([ring for ring in feature["rings"] if len(ring) >= 2])


def differences(a: bytes, b: bytes, tolerance: float = 1.5) -> list[str]:
    left, right = decoded(a), decoded(b)
    problems = []
    if set(left) != set(right):
        return [f"layers {sorted(left)} != {sorted(right)}"]
    for name in left:
        if set(left[name]) != set(right[name]):
            only_a = sorted(set(left[name]) - set(right[name]))[:5]
            only_b = sorted(set(right[name]) - set(left[name]))[:5]
            problems.append(f"{name}: ids only in the first {only_a}, only in the second {only_b}")
            continue
        for fid, fa in left[name].items():
            fb = right[name][fid]
            if fa["properties"] != fb["properties"]:
                problems.append(f"{name}/{fid}: properties {fa['properties']} != {fb['properties']}")
            ga, gb = linework(fa), linework(fb)
            if fa["type"] != fb["type"]:
                problems.append(f"{name}/{fid}: {TYPES.get(fa['type'])} != {TYPES.get(fb['type'])}")
            elif ga.hausdorff_distance(gb) > tolerance:
                problems.append(f"{name}/{fid}: {ga.hausdorff_distance(gb):.2f} units apart")
    return problems
