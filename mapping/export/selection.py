"""Which records and columns leave the app: the one step every export format shares.

``export_frames`` applies the privacy rules once, so no format can forget
them:

- only the columns the audience may see (``Audience.can_view`` on the
  declared fields and on ``SYSTEM_FIELDS``); private fields never leave;
- the public gets no people: resources of kind "osoba" are dropped, and so
  are references to them from other layers (an id would still point at a
  person someone chose not to publish) — ``audience_records``, the same
  rule the app follows on its maps, tables and the projector;
- archived records are left out;
- sample records keep their ``source`` ("przykład"), a public field, so the
  marker travels with them into every format.

Limiting to a district follows the rule of ``mapping.analysis.indicators``,
so an export holds the records the indicators count there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis.matching import to_metric
from mapping.areas import PLACE_KINDS, area_key, area_keys, districts, find_area, of_kind
from mapping.errors import MapError
from mapping.export.request import EXPORT_AUDIENCES
from mapping.frames import WGS84, has_location, texts_in
from mapping.schema import LAYERS, SYSTEM_FIELDS, AreaKind, Audience, FieldType, Layer
from mapping.store.base import Store
from mapping.text import polish_sorted

__all__ = ["PERSON_KIND", "audience_records", "export_columns", "export_frames"]

#: Resources of this kind are people (leaders); the public never gets them.
PERSON_KIND = "osoba"


def export_columns(layer: Layer, audience: Audience) -> list[str]:
    """Columns ``audience`` may receive: visible system columns, then visible fields."""
    system = [f.name for f in SYSTEM_FIELDS if audience.can_view(f.visibility)]
    return system + [f.name for f in layer.visible_fields(audience)]


def export_frames(
    store: Store,
    city: str,
    *,
    district: str | None = None,
    audience: Audience = Audience.PUBLIC,
    layers: Iterable[str] | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """The records of a city as they may leave the app, one frame per layer.

    Parameters
    ----------
    store : where the map lives
    city : the city whose records are exported
    district : the name of a district or working area to limit to, or None
    audience : ``Audience.PUBLIC`` or ``Audience.TEAM``; the editor audience
        is refused, so private fields cannot be exported by mistake
    layers : layer names to return (default: every layer, in schema order)

    Returns
    -------
    dict
        Layer name → GeoDataFrame (EPSG:4326) with the allowed columns and
        ``geometry`` (None for records without a location).

    Raises
    ------
    ValueError for the editor audience or an unknown layer;
    MapError when the city has no records or ``district`` names no district of it.
    """
    if audience not in EXPORT_AUDIENCES:
        raise ValueError(
            f"Eksport dla odbiorcy {audience!r} nie jest dostępny; "
            f"dozwolone: {', '.join(a.value for a in EXPORT_AUDIENCES)}."
        )
    wanted = list(LAYERS) if layers is None else list(layers)
    unknown = [name for name in wanted if name not in LAYERS]
    if unknown:
        raise ValueError(f"Nieznane warstwy {unknown}; dostępne: {', '.join(LAYERS)}")
    frames = {name: store.read_layer(name, city=city) for name in LAYERS}
    if all(frame.empty for frame in frames.values()):
        # Most likely a typo in the city: an empty file would hide it.
        known = ", ".join(store.cities()) or "brak"
        raise MapError(f"Brak wpisów dla miasta „{city}”; miasta w mapie: {known}", field="miasto")
    if district is not None:
        frames = _limit_to_area(frames, district)
    frames = audience_records(frames, audience)
    return {
        name: _visible(LAYERS[name], frames[name], audience).reset_index(drop=True)
        for name in wanted
    }


def _visible(layer: Layer, frame: gpd.GeoDataFrame, audience: Audience) -> gpd.GeoDataFrame:
    columns = [*export_columns(layer, audience), "geometry"]
    return gpd.GeoDataFrame(frame[columns].copy(), geometry="geometry", crs=frame.crs)


def audience_records(
    frames: Mapping[str, gpd.GeoDataFrame],
    audience: Audience,
    *,
    resources: gpd.GeoDataFrame | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """The records ``audience`` may see: the one rule of exports, the app's maps and tables.

    The public gets no people: resources of kind "osoba" are dropped, and so
    are references to them from the other frames.  The team and editors see
    every record (which fields they see is ``Audience.can_view``).

    Parameters
    ----------
    frames : layer name → record frame (any subset of the layers)
    audience : who is looking
    resources : the city's resources, to know who the people are when
        ``frames`` has no "resources" frame (e.g. a table of partnerships)
    """
    out = dict(frames)
    if audience != Audience.PUBLIC:
        return out
    people_source = out.get("resources", resources)
    if people_source is None or people_source.empty:
        return out
    people = people_source["kind"].eq(PERSON_KIND).fillna(False).to_numpy(dtype=bool)
    if not people.any():  # nobody to hide: the frames as they are, not copies
        return out
    person_ids = people_source["id"].to_numpy(dtype=object)[people].tolist()
    if "resources" in out:
        out["resources"] = out["resources"][~texts_in(out["resources"]["id"], person_ids)]
    withheld = set(person_ids)
    for name, layer in LAYERS.items():
        if name not in out:
            continue
        refs = [
            f.name for f in layer.fields if f.type == FieldType.REFS and f.ref_layer == "resources"
        ]
        if refs:
            frame = out[name].copy()
            for column in refs:
                frame[column] = frame[column].map(lambda ids: [i for i in ids if i not in withheld])
            out[name] = frame
    return out


def _limit_to_area(
    frames: dict[str, gpd.GeoDataFrame], area_name: str
) -> dict[str, gpd.GeoDataFrame]:
    """Records of one district or working area (see the module docstring)."""
    areas = frames["areas"]
    area = _find_area(areas, area_name)
    polygon = _metric_geometry(area)
    key = area_key(area["name"])
    district_keys = set(area_keys(districts(areas)["name"]).dropna())
    out = dict(frames)
    for name in ("resources", "needs", "actions"):
        frame = frames[name]
        named = area_keys(frame["district"])
        inside = _inside(frame, polygon)
        if area["kind"] == AreaKind.DISTRICT:
            # The district column decides when it names a known district;
            # location decides for the rest (as in the indicators).
            keep = (named == key) | (~named.isin(district_keys) & inside)
        else:
            keep = (named == key) | inside
        out[name] = frame[keep.to_numpy()]
    others = areas["kind"] != AreaKind.CITY
    out["areas"] = areas[(areas["id"] == area["id"]) | (others & _inside(areas, polygon))]
    out["partnerships"] = _partnerships_in(frames["partnerships"], key, set(out["resources"]["id"]))
    kept = set(out["partnerships"]["id"])
    meetings = frames["meetings"]
    linked = meetings["partnership"].map(lambda ids: bool(kept & set(ids))).astype(bool)
    out["meetings"] = meetings[linked]
    return out


def _find_area(areas: gpd.GeoDataFrame, area_name: str) -> pd.Series:
    found = find_area(areas, area_name, PLACE_KINDS)
    if found is None:
        known = ", ".join(polish_sorted(of_kind(areas, *PLACE_KINDS)["name"].astype(str)))
        raise MapError(
            f"Nie ma dzielnicy ani obszaru roboczego „{area_name}”; dostępne: {known or 'brak'}",
            field="dzielnica",
        )
    return found


def _metric_geometry(area: pd.Series) -> shapely.Geometry | None:
    geom = area["geometry"]
    if not has_location([geom])[0]:
        return None
    return to_metric(gpd.GeoSeries([geom], crs=WGS84)).iloc[0]


def _inside(frame: gpd.GeoDataFrame, polygon: shapely.Geometry | None) -> pd.Series:
    """Whether each record lies within ``polygon`` (shapes by a point inside them)."""
    inside = np.zeros(len(frame), dtype=bool)
    located = has_location(frame.geometry).to_numpy()
    if polygon is not None and located.any():
        anchors = shapely.point_on_surface(to_metric(frame.geometry[located]).to_numpy())
        inside[located] = shapely.contains(polygon, anchors)
    return pd.Series(inside, index=frame.index)


def _partnerships_in(partnerships: pd.DataFrame, key: str, resource_ids: set[str]) -> pd.DataFrame:
    """Partnerships naming the area in ``districts`` or with a member there."""

    def names_area(text: object) -> bool:
        parts = re.split(r"[;,]", text) if isinstance(text, str) else []
        return key in {area_key(part) for part in parts}

    named = partnerships["districts"].map(names_area).astype(bool)
    with_member = partnerships["members"].map(lambda ids: bool(resource_ids & set(ids)))
    return partnerships[named | with_member.astype(bool)]
