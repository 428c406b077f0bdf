"""The snapshot as files for a city's GIS and spreadsheets: CSV, GeoJSON and a GeoPackage of
one layer (written by GDAL's ogr2ogr from the GeoJSON). The same figures as the page, the same
suppression: a count about people under 5 is stored as null; the CSV writes it as "<5", the
GIS files as null. Every file carries the snapshot's date (a column, and the GeoJSON's and
the layer's name)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import tempfile
from pathlib import Path

import spatial
from core.text import csv_cell

from .indicators import count_indicators
from .models import Snapshot
from .selectors import export_columns, export_rows

SUPPRESSED_CSV = "<5"


def _people_columns() -> set[str]:
    return {i.code for i in count_indicators() if i.about_people}


def snapshot_csv(snapshot: Snapshot) -> str:
    names = [name for name, _description in export_columns()]
    people = _people_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    for _figures, values in export_rows(snapshot):
        writer.writerow(
            [
                SUPPRESSED_CSV if name in people and values[name] is None else _cell(values[name])
                for name in names
            ]
        )
    return out.getvalue()


def _cell(value):
    # Names come from imported boundary files: text a spreadsheet would run stays text.
    return "" if value is None else csv_cell(value)


def layer_name(snapshot: Snapshot) -> str:
    return f"regie_{snapshot.taken_on:%Y_%m_%d}"


def snapshot_geojson(snapshot: Snapshot) -> dict:
    return {
        "type": "FeatureCollection",
        "name": layer_name(snapshot),
        "snapshot": snapshot.taken_on.isoformat(),
        "features": [
            {
                "type": "Feature",
                "geometry": spatial.geojson_geometry(figures.neighbourhood.boundary, decimals=6),
                "properties": values,
            }
            for figures, values in export_rows(snapshot)
        ],
    }


def snapshot_geopackage(snapshot: Snapshot) -> bytes:
    """A GeoPackage with one EPSG:4326 polygon layer, every figure a column."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "regie.geojson"
        target = Path(folder) / "regie.gpkg"
        source.write_text(json.dumps(snapshot_geojson(snapshot)), encoding="utf-8")
        subprocess.run(
            [
                "ogr2ogr",
                "-f",
                "GPKG",
                "-nln",
                layer_name(snapshot),
                "-nlt",
                "MULTIPOLYGON",
                "-a_srs",
                "EPSG:4326",
                "-lco",
                f"DESCRIPTION=Buurtkaart regie snapshot {snapshot.taken_on.isoformat()}; "
                "null in a count about people means fewer than 5",
                str(target),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target.read_bytes()
