"""Small spatial files written by the tests themselves (pyogrio writes them through GDAL)."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import shapely
from pyogrio import raw

# Points of Gimpo in the Korean CRSs (from the same WGS84 point, 126.7 E 37.62 N).
GIMPO_WGS84 = (126.7, 37.62)


def project(lon: float, lat: float, epsg: int) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs("OGC:CRS84", f"EPSG:{epsg}", always_xy=True).transform(lon, lat)


def roads_in(epsg: int, names=("김포대로", "태장로")) -> tuple[list, list[str]]:
    """Two 1 km east-west roads near Gimpo's centre, in ``epsg`` (metres)."""
    x, y = project(*GIMPO_WGS84, epsg)
    geoms = [shapely.LineString([(x, y + i * 100), (x + 1000, y + i * 100)]) for i in range(len(names))]
    return geoms, list(names)


def write(
    geoms: list,
    names: list[str],
    *,
    driver: str,
    suffix: str,
    crs: str | None,
    encoding: str | None = None,
    keep_cpg: bool = True,
    keep_prj: bool = True,
    layer: str | None = None,
) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"data{suffix}"
        kwargs = {"encoding": encoding} if encoding else {}
        if layer:
            kwargs["layer"] = layer
        types = {shapely.get_type_id(g) for g in geoms}
        geometry_type = (
            {0: "Point", 1: "LineString", 3: "Polygon"}.get(types.pop(), "Unknown")
            if len(types) == 1
            else "Unknown"
        )
        raw.write(
            str(path),
            np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
            [np.array(names, dtype=object)],
            fields=["name"],
            geometry_type=geometry_type,
            crs=crs,
            driver=driver,
            **kwargs,
        )
        if suffix != ".shp":
            return path.read_bytes()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for part in sorted(Path(tmp).iterdir()):
                if part.suffix == ".cpg" and not keep_cpg or part.suffix == ".prj" and not keep_prj:
                    continue
                archive.write(part, part.name)
        return buffer.getvalue()


def shapefile_zip(geoms, names, *, epsg: int | None, encoding: str = "cp949", **kwargs) -> bytes:
    return write(
        geoms,
        names,
        driver="ESRI Shapefile",
        suffix=".shp",
        crs=f"EPSG:{epsg}" if epsg else None,
        encoding=encoding,
        **kwargs,
    )


def geopackage(geoms, names, *, epsg: int, layer: str = "roads") -> bytes:
    return write(geoms, names, driver="GPKG", suffix=".gpkg", crs=f"EPSG:{epsg}", layer=layer)


def geojson(features: list[dict]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
