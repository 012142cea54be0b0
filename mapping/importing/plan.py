"""``plan_import``: read a file and say what importing it would do, writing nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from mapping.collector import collector_paused
from mapping.errors import MapError
from mapping.importing.boundaries import plan_boundaries
from mapping.importing.columns import (
    check_mapping,
    guess_mapping,
    header_key,
    parse_mapping_spec,
)
from mapping.importing.completion import check_defaults
from mapping.importing.coordinates import crs_label
from mapping.importing.districts import CityContext, canonical_city
from mapping.importing.geocoding import Geocoder
from mapping.importing.memory import load_mapping, source_key
from mapping.importing.preview import ImportPlan
from mapping.importing.readers import read_source
from mapping.importing.rows import plan_rows
from mapping.importing.targets import (
    IMPORT_LAYERS,
    RECORD_ID,
    RECORD_VERSION,
    import_schema,
    store_layer,
    target_label,
)
from mapping.language import Message
from mapping.store import Store

__all__ = ["plan_import", "resolve_mapping"]

MappingInput = Mapping[str, str | None] | str | None
#: Guessed targets a remembered "(pomiń)" does not override.
_IDENTITY = (RECORD_ID, RECORD_VERSION)


def resolve_mapping(
    headers: list[str], layer: str, given: MappingInput, remembered: Mapping[str, str | None] | None
) -> tuple[dict[str, str | None], str]:
    """The mapping to use and where it came from.

    A guess for every column, overridden by the mapping remembered for this
    source, overridden by what the caller gives (a dict, or the CLI's
    ``"kolumna=pole,…"`` text) — so a partial override keeps the rest.
    """
    mapping = guess_mapping(headers, layer)
    origin = "odgadnięte"
    if remembered:
        # Remembered under the first file's spelling: "Uwagi" there is "UWAGI" here.
        by_key = {header_key(h): h for h in headers}
        aligned = {by_key.get(header_key(k), k): v for k, v in remembered.items()}
        # An export imported before ids were read has "id" remembered as skipped;
        # that must not turn every later round trip into duplicates.
        aligned = {
            k: v for k, v in aligned.items() if v is not None or mapping.get(k) not in _IDENTITY
        }
        mapping.update(check_mapping(aligned, headers, layer))
        origin = "zapamiętane"
    if isinstance(given, str):
        given = parse_mapping_spec(given, headers, layer)
    if given:
        mapping.update(check_mapping(given, headers, layer))
        origin = "podane"
    return mapping, origin


def _check_arguments(layer: str, city: str) -> None:
    if layer not in IMPORT_LAYERS:
        raise MapError(
            Message(
                "nieznana warstwa importu „{layer}”; dostępne: {layers}",
                layer=layer,
                layers=", ".join(IMPORT_LAYERS),
            ),
            field=Message("warstwa"),
        )
    if not str(city).strip():
        raise MapError(Message("podaj miasto, do którego trafią dane"), field=Message("miasto"))


@collector_paused()  # a large file builds many rows (mapping.collector)
def plan_import(  # noqa: PLR0913 — the one entry point; all but four are keywords
    path: str | Path,
    layer: str,
    city: str,
    store: Store,
    mapping: MappingInput = None,
    crs: str | None = None,
    *,
    part: str | None = None,
    geocoder: Geocoder | None = None,
    defaults: Mapping[str, str | None] | None = None,
) -> ImportPlan:
    """Read ``path`` and plan its import into ``layer`` of ``city``; write nothing.

    Parameters
    ----------
    path : CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile
    layer : ``resources``, ``needs`` or ``districts`` (boundaries of the city's districts)
    city : the city the rows belong to (matched to the store's spelling)
    store : the map, for existing entries, districts, outline and known addresses
    mapping : column → field overrides (dict or ``"kolumna=pole,…"``); the rest
        is remembered for this source or guessed
    crs : the coordinates' CRS (e.g. ``"EPSG:2180"``); detected when None
    part : which XLSX sheet or GIS layer to read (default: the first with data, or
        a GIS layer named like the target layer)
    geocoder : optional online geocoder hook, off by default (see
        ``mapping.importing.geocoding``)
    defaults : classification for rows that do not say it (``{"kind": "organizacja",
        "category": "kultura"}``, codes or labels); see ``mapping.importing.completion``

    Raises
    ------
    MapError (``SourceReadError``) when the file cannot be read at all.
    """
    _check_arguments(layer, city)
    chosen = check_defaults(defaults, layer)
    table = read_source(path, sheet=part, source_layer=part, prefer_layer=store_layer(layer))
    key = source_key(table.columns, layer)
    used, origin = resolve_mapping(table.columns, layer, mapping, load_mapping(key, store))
    city = canonical_city(city, store)
    context = CityContext.load(store, city)
    if layer == "districts":
        outcome = plan_boundaries(table, used, context, crs=crs)
    else:
        outcome = plan_rows(
            table, used, layer, context, store, crs=crs, geocoder=geocoder, defaults=chosen
        )
    title = import_schema(layer).title_field
    notes = list(table.notes)
    if table.frame.empty:
        notes.append(
            Message(
                "plik {file} nie zawiera żadnych wierszy danych (tylko nagłówek)",
                file=table.path.name,
            )
        )
    elif title not in used.values():
        notes.append(
            Message(
                "żadna kolumna nie jest przypisana do pola „{field}” — przypisz ją",
                field=target_label(layer, title),
            )
        )
    notes += outcome.notes
    details = {
        "format": table.format,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "sheet": table.sheet,
        "layer": table.layer_name,
        "crs": outcome.crs,
        "crs_label": crs_label(outcome.crs) if outcome.crs else None,
    }
    plan = ImportPlan(
        Path(path),
        layer,
        city,
        store.location,
        used,
        origin,
        key,
        outcome.rows,
        table.skipped_empty,
        notes,
        {k: v for k, v in details.items() if v is not None},
        known_ids=outcome.known_ids,
        defaults=chosen,
    )
    _note_incomplete(plan)
    return plan


def _note_incomplete(plan: ImportPlan) -> None:
    """Say once for the file how many rows will wait for completion."""
    count = len(plan.incomplete)
    if count:
        plan.notes.append(
            Message(
                "wierszy bez rozpoznanego rodzaju lub kategorii: {count} — zostaną zapisane "
                "ze statusem „do uzupełnienia” (lista na stronie „Aktualizacja”); "
                "możesz wybrać domyślną wartość dla całego pliku",
                count=count,
            )
        )
