"""Exports of a city's map: data files (GeoJSON, GeoPackage, CSV, XLSX), print (PNG, PDF)
and the interactive map (one HTML file, ``mapping.export.interactive``).

Every format starts from the same step, ``export_frames`` (``selection``),
which applies the privacy rules; a format only turns frames into bytes.

File layout:

- GeoPackage and XLSX hold several layers natively (one table / one sheet
  per layer), so they are always one file;
- GeoJSON and CSV hold one layer per file: a single layer gives that file
  (``.geojson``, ``.csv``), several layers give one ``.zip`` with a file per
  layer named after the layer (``resources.geojson``, ``needs.csv``…);
  ``geojson-all`` puts several layers in one FeatureCollection instead, each
  feature naming its layer (uMap reads one file, not a zip);
- KML/KMZ (Google My Maps, Earth) and ``.umap`` (uMap) hold several layers
  in one file, as folders / datalayers per layer and category;
- PNG and PDF are one page (a PDF adds pages when its index needs them);
- HTML is one page holding everything it needs (scripts, styles, data).

Formats are kept in ``FORMATS``; another format is added with one call and
then appears in the command line, in ``export`` and in the privacy tests
(which search the bytes of every ``textual`` format).  The interactive map
is registered so::

    register_format(ExportFormat(
        "html", "Mapa interaktywna (HTML)", ".html", "text/html", write_html,
        default_layers=PRINT_LAYERS,
    ))

where ``write_html(frames, request) -> bytes`` gets every layer as
``export_frames`` left it (private fields and, for the public, people
already removed) and draws the layers in ``request.layers``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import geopandas as gpd

from mapping.export.about import describe_export, format_day, title_of
from mapping.export.geodata import to_geojson, to_geojson_all, to_gpkg
from mapping.export.request import (
    EXPORT_AUDIENCES,
    ExportFile,
    ExportRequest,
    zip_files,
)
from mapping.export.selection import export_frames
from mapping.export.sheets import reference_names, to_csv, to_xlsx
from mapping.schema import LAYERS
from mapping.store.base import Store

__all__ = [
    "EXPORT_AUDIENCES",
    "FORMATS",
    "PRINT_LAYERS",
    "ExportFile",
    "ExportFormat",
    "ExportRequest",
    "Writer",
    "export",
    "export_frames",
    "register_format",
]

#: Turns the exported frames into the bytes of one file.  Per-layer formats
#: get one layer at a time; the others get every layer and use
#: ``request.layers`` to pick what they include.
Writer = Callable[[Mapping[str, gpd.GeoDataFrame], ExportRequest], bytes]


@dataclass(frozen=True)
class ExportFormat:
    """One export format.

    Parameters
    ----------
    name : command-line name ("geojson", "csv", …)
    label : Polish label for menus
    suffix : file suffix of one file of this format
    mime : MIME type of one file
    write : the ``Writer``
    per_layer : one file per layer (several layers are zipped)
    textual : record values appear as text in the bytes (GeoJSON, CSV, HTML…),
        so the privacy tests can search them; False for images
    printed : a page (uses paper, orientation and dpi)
    default_layers : layers exported when the request names none
    """

    name: str
    label: str
    suffix: str
    mime: str
    write: Writer
    per_layer: bool = False
    textual: bool = True
    printed: bool = False
    default_layers: tuple[str, ...] = tuple(LAYERS)


def _only(frames: Mapping[str, gpd.GeoDataFrame]) -> tuple[str, gpd.GeoDataFrame]:
    ((name, frame),) = frames.items()
    return name, frame


def _write_geojson(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    name, frame = _only(frames)
    return to_geojson(frame, LAYERS[name], request.audience)


def _write_csv(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    name, frame = _only(frames)
    return to_csv(LAYERS[name], frame, request.audience)


def _selected(
    frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest
) -> dict[str, gpd.GeoDataFrame]:
    return {name: frames[name] for name in request.layers or LAYERS}


def _write_gpkg(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    description = (
        f"{title_of(request)}; stan na dzień {format_day(request.day)}; "
        f"{request.audience.version_label}"
    )
    return to_gpkg(_selected(frames, request), description=description)


def _write_geojson_all(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    return to_geojson_all(_selected(frames, request), request.audience)


def _write_xlsx(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    selected = _selected(frames, request)
    about = describe_export(request, selected)
    return to_xlsx(selected, request.audience, about=about, names=reference_names(frames))


def _write_png(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    # matplotlib is imported only when printing: it would add a second or
    # more to every start of the app and of the command line.
    from mapping.export.printing import to_png

    return to_png(frames, request)


def _write_pdf(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    from mapping.export.printing import to_pdf

    return to_pdf(frames, request)


def _write_kml(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    from mapping.export.kml import to_kml

    return to_kml(frames, request)


def _write_kmz(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    from mapping.export.kml import to_kmz

    return to_kmz(frames, request)


def _write_umap(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    from mapping.export.umap import to_umap

    return to_umap(frames, request)


def _write_html(frames: Mapping[str, gpd.GeoDataFrame], request: ExportRequest) -> bytes:
    # folium and the map builder are imported only for this format, as
    # matplotlib is for print.
    from mapping.export.interactive import write_html

    return write_html(frames, request)


#: Layers a printed map draws as symbols unless told otherwise.
PRINT_LAYERS = ("resources", "needs")
FORMATS: dict[str, ExportFormat] = {}


def register_format(fmt: ExportFormat) -> None:
    """Add (or replace) a format; it then shows in the CLI and the privacy tests."""
    FORMATS[fmt.name] = fmt


for _fmt in (
    ExportFormat(
        "geojson", "GeoJSON", ".geojson", "application/geo+json", _write_geojson, per_layer=True
    ),
    ExportFormat(
        "geojson-all",
        "GeoJSON (wszystkie warstwy w jednym pliku)",
        ".geojson",
        "application/geo+json",
        _write_geojson_all,
    ),
    ExportFormat(
        "gpkg", "GeoPackage (QGIS)", ".gpkg", "application/geopackage+sqlite3", _write_gpkg
    ),
    ExportFormat("csv", "CSV (Excel)", ".csv", "text/csv", _write_csv, per_layer=True),
    ExportFormat(
        "xlsx",
        "Arkusz Excel (XLSX)",
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _write_xlsx,
    ),
    ExportFormat(
        "kml",
        "KML (Google Earth, My Maps)",
        ".kml",
        "application/vnd.google-earth.kml+xml",
        _write_kml,
        default_layers=PRINT_LAYERS,
    ),
    ExportFormat(
        "kmz",
        "KMZ (Google My Maps)",
        ".kmz",
        "application/vnd.google-earth.kmz",
        _write_kmz,
        textual=False,
        default_layers=PRINT_LAYERS,
    ),
    ExportFormat(
        "umap",
        "uMap (plik .umap)",
        ".umap",
        "application/json",
        _write_umap,
        default_layers=PRINT_LAYERS,
    ),
    ExportFormat(
        "png",
        "Mapa do druku (PNG)",
        ".png",
        "image/png",
        _write_png,
        textual=False,
        printed=True,
        default_layers=PRINT_LAYERS,
    ),
    ExportFormat(
        "pdf",
        "Mapa do druku (PDF)",
        ".pdf",
        "application/pdf",
        _write_pdf,
        textual=False,
        printed=True,
        default_layers=PRINT_LAYERS,
    ),
    ExportFormat(
        "html",
        "Mapa interaktywna (HTML)",
        ".html",
        "text/html",
        _write_html,
        default_layers=PRINT_LAYERS,
    ),
):
    register_format(_fmt)


def export(store: Store, fmt: str, request: ExportRequest) -> ExportFile:
    """Export the map of ``request.city`` in format ``fmt``.

    Parameters
    ----------
    store : where the map lives
    fmt : a name in ``FORMATS`` ("geojson", "gpkg", "csv", "xlsx", "png", "pdf", "html")
    request : what to export and for whom (see ``ExportRequest``)

    Returns
    -------
    ExportFile
        The bytes, a suggested file name and the MIME type.  Per-layer
        formats with several layers give a zip (one file per layer).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Nieznany format {fmt!r}; dostępne: {', '.join(FORMATS)}")
    spec = FORMATS[fmt]
    layers = request.layers or spec.default_layers
    request = dataclasses.replace(request, layers=layers)
    frames = export_frames(
        store, request.city, district=request.district, audience=request.audience
    )
    if not spec.per_layer:
        return ExportFile(spec.write(frames, request), request.stem() + spec.suffix, spec.mime)
    files = {f"{name}{spec.suffix}": spec.write({name: frames[name]}, request) for name in layers}
    if len(files) == 1:
        (name,) = layers
        stem = request.stem(LAYERS[name].label)
        return ExportFile(files[name + spec.suffix], stem + spec.suffix, spec.mime)
    return ExportFile(zip_files(files), request.stem() + ".zip", "application/zip")
