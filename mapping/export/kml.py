"""KML and KMZ for Google My Maps and Google Earth.

One Document with the map's title; a folder per layer and category ("Zasoby:
Kultura i biblioteki"; My Maps and Earth list them, GDAL reads each as a
layer); a style per category colour; each record a Placemark with its name, a
description in plain text (the fields the audience may see, with Polish
labels; XML-escaped, never HTML) and the same fields plus ``id``/``version``
in ExtendedData, so the file can be imported back onto the same records.
KMZ is the same document zipped as ``doc.kml``, which My Maps exports.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from xml.etree import ElementTree as ET

import geopandas as gpd
import shapely

from mapping.export.about import format_day, title_of
from mapping.export.features import Feature, folders_of
from mapping.export.request import ExportRequest
from mapping.schema import LAYERS

__all__ = ["KML_NS", "to_kml", "to_kmz"]

KML_NS = "http://www.opengis.net/kml/2.2"
_DECIMALS = 7
_FILL_ALPHA = "66"  # polygons: the colour at 40 %, so the base map shows through


def _kml_color(hex_rgb: str, alpha: str = "ff") -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{alpha}{b}{g}{r}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _coordinates(coords: shapely.coords.CoordinateSequence) -> str:
    return " ".join(f"{x:.{_DECIMALS}f},{y:.{_DECIMALS}f}" for x, y, *_ in coords)


def _geometry(parent: ET.Element, geom: shapely.Geometry) -> None:
    kind = geom.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coordinates(geom.coords))
    elif kind == "LineString":
        _sub(_sub(parent, "LineString"), "coordinates", _coordinates(geom.coords))
    elif kind == "Polygon":
        polygon = _sub(parent, "Polygon")
        ring = _sub(_sub(polygon, "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", _coordinates(geom.exterior.coords))
        for interior in geom.interiors:
            hole = _sub(_sub(polygon, "innerBoundaryIs"), "LinearRing")
            _sub(hole, "coordinates", _coordinates(interior.coords))
    else:  # Multi* and collections
        multi = _sub(parent, "MultiGeometry")
        for part in shapely.get_parts(geom):
            _geometry(multi, part)


def _placemark(folder: ET.Element, feature: Feature) -> None:
    mark = _sub(folder, "Placemark")
    mark.set("id", feature.id)
    _sub(mark, "name", feature.name)
    if feature.description:
        _sub(mark, "description", feature.description)
    _sub(mark, "styleUrl", f"#{_style_id(feature.color)}")
    data = _sub(mark, "ExtendedData")
    system = {"id": ("id", feature.id), "version": ("wersja", feature.version)}
    for key, (label, value) in {**feature.table, **system}.items():
        if value is not None and value != "":
            # ASCII names (GDAL mangles others), the Polish label for people.
            field = _sub(data, "Data")
            field.set("name", key)
            _sub(field, "displayName", label)
            _sub(field, "value", str(value))
    if feature.geometry is not None:
        _geometry(mark, feature.geometry)


def _style_id(color: str) -> str:
    return f"kolor-{color.lstrip('#').lower()}"


def _style(document: ET.Element, color: str) -> None:
    style = _sub(document, "Style")
    style.set("id", _style_id(color))
    _sub(_sub(style, "IconStyle"), "color", _kml_color(color))
    line = _sub(style, "LineStyle")
    _sub(line, "color", _kml_color(color))
    _sub(line, "width", "2")
    _sub(_sub(style, "PolyStyle"), "color", _kml_color(color, _FILL_ALPHA))


def to_kml(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    """The layers in ``request.layers`` (default: all with a geometry) as one KML document."""
    root = ET.Element("kml", xmlns=KML_NS)
    document = _sub(root, "Document")
    _sub(document, "name", title_of(request))
    _sub(
        document,
        "description",
        f"Stan na dzień {format_day(request.day)}; {request.audience.version_label}.",
    )
    folders = folders_of(frames, request.layers or tuple(LAYERS), request.audience)
    for color in sorted({f.color for _, features in folders for f in features}):
        _style(document, color)
    for label, features in folders:
        folder = _sub(document, "Folder")
        _sub(folder, "name", label)
        for feature in features:
            _placemark(folder, feature)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_kmz(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    """KML zipped as ``doc.kml``: what My Maps exports and imports."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", to_kml(frames, request))
    return buffer.getvalue()
