"""The data build: raw public sources → the committed seed data in ``data/``.

``build_data`` reads the raw files (``../shared/data/raw`` by default, see
its README), derives one GeoJSON FeatureCollection per layer of
``mapping.schema.LAYERS`` into ``<out>/seed/`` and writes ``<out>/SOURCES.md``
naming every source, its licence and the required attribution.

Modules: ``gdansk``, ``czestochowa`` (with ``czestochowa_places``) and
``szczecinek`` per city, ``gminas`` for city outlines from the PRG,
``widget_codes`` for the Gdańsk widget's letter codes, ``fieldreports`` for
facts from the field, ``samples`` for illustrative
records, ``geojson`` for the byte-stable output and ``sources`` for
``SOURCES.md``.
"""

from __future__ import annotations

from pathlib import Path

from mapping.databuild.czestochowa import build_czestochowa
from mapping.databuild.fieldreports import build_partnerships
from mapping.databuild.gdansk import build_gdansk
from mapping.databuild.geojson import write_layer
from mapping.databuild.raw import check_raw_dir
from mapping.databuild.records import DataBuildError, Record, check_records
from mapping.databuild.samples import build_samples
from mapping.databuild.sources import sources_markdown
from mapping.databuild.szczecinek import build_szczecinek
from mapping.schema import LAYERS

__all__ = ["DataBuildError", "build_data", "build_records"]


def build_records(raw: Path) -> dict[str, list[Record]]:
    """Every derived record, keyed by layer name, checked against the schema.

    Raises
    ------
    DataBuildError if a raw file is missing or does not look as expected, or
    if a derived record breaks the schema.
    """
    raw = Path(raw)
    check_raw_dir(raw)
    gdansk = build_gdansk(raw)
    czestochowa = build_czestochowa(raw)
    szczecinek = build_szczecinek(raw)
    resources = gdansk.resources + czestochowa.resources
    samples = build_samples(raw, gdansk.districts, resources)
    partnerships = build_partnerships(gdansk.districts, czestochowa.district_names)
    layers = {
        "areas": gdansk.areas + czestochowa.areas + szczecinek.areas,
        "resources": resources + szczecinek.resources,
        "needs": samples["needs"],
        "partnerships": partnerships + szczecinek.partnerships,
        "meetings": samples["meetings"] + szczecinek.meetings,
        "actions": samples["actions"] + szczecinek.actions,
    }
    check_records(layers)
    return layers


def build_data(raw: Path, out: Path) -> dict[str, int]:
    """Build the seed data from ``raw`` into ``out``.

    Parameters
    ----------
    raw : directory of the raw sources (with ``gdansk/``, ``czestochowa/``,
        ``poland/``)
    out : the data directory; gets ``seed/<layer>.geojson`` for every layer
        and ``SOURCES.md``

    Returns
    -------
    dict mapping each layer name to the number of records written.
    """
    layers = build_records(raw)
    seed = Path(out) / "seed"
    seed.mkdir(parents=True, exist_ok=True)
    for name, layer in LAYERS.items():
        write_layer(seed / f"{name}.geojson", layer, layers[name])
    counts = {name: len(layers[name]) for name in LAYERS}
    (Path(out) / "SOURCES.md").write_text(sources_markdown(counts), encoding="utf-8")
    return counts
