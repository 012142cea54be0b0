"""Which records and columns leave the app: the one step every export format shares.

``export_frames`` applies the privacy rules once, so no format can forget
them:

- only the columns the audience may see (``Audience.can_view`` on the
  declared fields and on ``SYSTEM_FIELDS``); private fields never leave;
- the public gets no people: resources of kind "osoba" are dropped, and so
  are references to them from other layers (an id would still point at a
  person someone chose not to publish);
- archived records are left out;
- sample records keep their ``source`` ("przykład"), a public field, so the
  marker travels with them into every format.

Limiting to a district follows the rule of ``mapping.analysis.indicators``,
so an export holds the records the indicators count there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from mapping.analysis.matching import has_location, name_key, to_metric
from mapping.errors import MapError
from mapping.export.request import EXPORT_AUDIENCES
from mapping.polish import polish_sorted
from mapping.schema import LAYERS, SYSTEM_FIELDS, Audience, FieldType, Layer
from mapping.store.base import Store

__all__ = ["PERSON_KIND", "export_columns", "export_frames"]

#: Resources of this kind are people (leaders); the public never gets them.
PERSON_KIND = "osoba"
_DISTRICT = "dzielnica"
_WORKING = "obszar_roboczy"


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
    if audience == Audience.PUBLIC:
        frames = _without_people(frames)
    return {
        name: _visible(LAYERS[name], frames[name], audience).reset_index(drop=True)
        for name in wanted
    }


def _visible(layer: Layer, frame: gpd.GeoDataFrame, audience: Audience) -> gpd.GeoDataFrame:
    columns = [*export_columns(layer, audience), "geometry"]
    return gpd.GeoDataFrame(frame[columns].copy(), geometry="geometry", crs=frame.crs)


def _without_people(frames: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    resources = frames["resources"]
    people = resources["kind"] == PERSON_KIND
    withheld = set(resources.loc[people, "id"])
    out = {**frames, "resources": resources[~people]}
    if not withheld:
        return out
    for name, layer in LAYERS.items():
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
    key = name_key(pd.Series([area["name"]])).iloc[0]
    district_keys = set(name_key(areas.loc[areas["kind"] == _DISTRICT, "name"]).dropna())
    out = dict(frames)
    for name in ("resources", "needs", "actions"):
        frame = frames[name]
        named = name_key(frame["district"])
        inside = _inside(frame, polygon)
        if area["kind"] == _DISTRICT:
            # The district column decides when it names a known district;
            # location decides for the rest (as in the indicators).
            keep = (named == key) | (~named.isin(district_keys) & inside)
        else:
            keep = (named == key) | inside
        out[name] = frame[keep.to_numpy()]
    others = areas["kind"] != "miasto"
    out["areas"] = areas[(areas["id"] == area["id"]) | (others & _inside(areas, polygon))]
    out["partnerships"] = _partnerships_in(frames["partnerships"], key, set(out["resources"]["id"]))
    kept = set(out["partnerships"]["id"])
    meetings = frames["meetings"]
    linked = meetings["partnership"].map(lambda ids: bool(kept & set(ids))).astype(bool)
    out["meetings"] = meetings[linked]
    return out


def _find_area(areas: gpd.GeoDataFrame, area_name: str) -> pd.Series:
    candidates = areas[areas["kind"].isin((_DISTRICT, _WORKING))]
    found = candidates[name_key(candidates["name"]) == name_key(pd.Series([area_name])).iloc[0]]
    if found.empty:
        known = ", ".join(polish_sorted(candidates["name"].astype(str))) or "brak"
        raise MapError(
            f"Nie ma dzielnicy ani obszaru roboczego „{area_name}”; dostępne: {known}",
            field="dzielnica",
        )
    return found.iloc[0]


def _metric_geometry(area: pd.Series) -> shapely.Geometry | None:
    geom = area["geometry"]
    if geom is None or geom.is_empty:
        return None
    return to_metric(gpd.GeoSeries([geom], crs="EPSG:4326")).iloc[0]


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
        return key in set(name_key(pd.Series(parts, dtype=object)).dropna())

    named = partnerships["districts"].map(names_area).astype(bool)
    with_member = partnerships["members"].map(lambda ids: bool(resource_ids & set(ids)))
    return partnerships[named | with_member.astype(bool)]
