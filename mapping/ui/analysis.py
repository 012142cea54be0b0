"""The analysis and data pages' heavy steps, computed once per data version.

Each step is a ``st.cache_resource`` keyed by the store's data version, so
every session shares one result (memory stays flat as visitors come) and an
edit anywhere makes the next run compute afresh.  Results are shared: do not
modify them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st

from mapping import diagnosis
from mapping.analysis.coverage import chosen_places, coverage, uncovered
from mapping.analysis.indicators import district_indicators
from mapping.analysis.matching import gaps, idle_resources, match_needs
from mapping.language import translate, writing
from mapping.schema import LAYERS, Audience
from mapping.tables import format_value
from mapping.text import sort_key
from mapping.ui.i18n import language, tr
from mapping.ui.maps import AppMap, rendered
from mapping.ui.shell import (
    _store_at,
    audience_layer,
    data_version,
    get_store,
    load_shared,
    versioned,
)
from mapping.webmap.citymap import city_map

__all__ = [
    "Coverage",
    "Matching",
    "coverage_for",
    "data_rows_for",
    "indicators_as_of",
    "indicators_for",
    "matching_for",
]


@dataclass(frozen=True)
class Matching:
    """Needs and resources matched: the gaps, the candidates and the idle resources."""

    gaps: pd.DataFrame
    candidates: pd.DataFrame
    idle: pd.DataFrame


@dataclass(frozen=True)
class Coverage:
    """Walking reach of the chosen places: covered parts, what is left out, the map."""

    covered: gpd.GeoDataFrame
    outside: gpd.GeoDataFrame
    map: AppMap


def _layers(
    location: str, version: int, city: str, audience: Audience
) -> tuple[gpd.GeoDataFrame, ...]:
    store = _store_at(location)
    return (
        load_shared(store, version, "areas", city),
        audience_layer(store, version, "resources", city, audience),
        audience_layer(store, version, "needs", city, audience),
    )


@versioned
@st.cache_resource(show_spinner=False, max_entries=8)
def _indicators(
    location: str, version: int, city: str, audience: Audience, today: date
) -> pd.DataFrame:
    areas, resources, needs = _layers(location, version, city, audience)
    return district_indicators(areas, resources, needs, today=today)


def indicators_for(city: str, audience: Audience, today: date) -> pd.DataFrame:
    """District indicators over what ``audience`` sees (``district_indicators``)."""
    store = get_store()
    with st.spinner(tr("Liczę wskaźniki…")):
        return _indicators(store.location, data_version(store), city, audience, today)


@versioned
@st.cache_resource(show_spinner=False, max_entries=8)
def _indicators_then(location: str, version: int, city: str, since: date) -> pd.DataFrame:
    store = _store_at(location)
    return district_indicators(
        load_shared(store, version, "areas", city),
        store.read_layer_as_of("resources", since, city=city),
        store.read_layer_as_of("needs", since, city=city),
        today=since,
    )


def indicators_as_of(city: str, since: date) -> pd.DataFrame:
    """District indicators as the store stood at the end of ``since`` (from history)."""
    store = get_store()
    with st.spinner(tr("Odtwarzam stan z historii…")):
        return _indicators_then(store.location, data_version(store), city, since)


@versioned
@st.cache_resource(show_spinner=False, max_entries=4)
def _matching(
    location: str, version: int, city: str, audience: Audience, today: date, lang: str
) -> Matching:
    _, resources, needs = _layers(location, version, city, audience)
    with writing(lang):  # the reasons in the page's language (the headers stay Polish)
        matches = match_needs(needs, resources, today=today)
        return Matching(
            gaps=diagnosis.gaps_table(gaps(needs, matches)),
            candidates=diagnosis.candidates_table(needs, resources, matches),
            idle=diagnosis.idle_table(idle_resources(resources, matches, today=today)),
        )


def matching_for(city: str, audience: Audience, today: date) -> Matching:
    """Open needs matched to what ``audience`` sees, as the page's three tables.

    Their reasons are in this run's language; their headers Polish (shown
    through ``translated_columns``).
    """
    store = get_store()
    with st.spinner(tr("Dopasowuję potrzeby do zasobów…")):
        return _matching(store.location, data_version(store), city, audience, today, language())


@versioned
@st.cache_resource(show_spinner=False, max_entries=8)
def _coverage(  # noqa: PLR0913, PLR0917 - the cache key: each option of the reach and its map
    location: str,
    version: int,
    city: str,
    audience: Audience,
    categories: tuple[str, ...],
    groups: tuple[str, ...],
    distance: int,
    focus: str | None,
    lang: str,
) -> Coverage:
    areas, resources, _ = _layers(location, version, city, audience)
    covered = coverage(resources, areas, categories=list(categories), target_groups=list(groups))
    outside = uncovered(areas, covered, distance)
    # The map draws the places the reach is measured from, not every resource:
    # at 50,000 records the whole layer would be most of what the page sends.
    places = resources[chosen_places(resources, categories=categories, target_groups=groups)]
    built = city_map(
        areas,
        {"resources": places},
        indicator=None,
        audience=audience,
        tiles="light",
        focus=focus,
        lang=lang,
    )
    diagnosis.add_overlay(
        built.map,
        covered.loc[[distance]],
        name=translate("W zasięgu {distance} m", lang, distance=distance),
        color="#009E73",
        tooltip=translate("do {distance} m od wybranych miejsc", lang, distance=distance),
    )
    diagnosis.add_overlay(
        built.map,
        outside,
        name=translate("Poza zasięgiem", lang),
        color="#D55E00",
        tooltip=translate("poza zasięgiem", lang),
    )
    return Coverage(covered, outside, rendered(built))


def coverage_for(
    city: str,
    audience: Audience,
    *,
    categories: list[str],
    groups: list[str],
    distance: int,
    focus: str | None = None,
) -> Coverage:
    """Reach of the chosen places within ``distance`` metres, and the map of it.

    The map is framed on ``focus`` (a district's name) or on the whole city,
    its texts in this run's language.
    """
    store = get_store()
    with st.spinner(tr("Liczę zasięg…")):
        return _coverage(
            store.location,
            data_version(store),
            city,
            audience,
            tuple(categories),
            tuple(groups),
            distance,
            focus,
            language(),
        )


@versioned
@st.cache_resource(show_spinner=False, max_entries=8)
def _data_rows(
    location: str, version: int, layer: str, city: str, archived: bool, audience: Audience
) -> gpd.GeoDataFrame:
    store = _store_at(location)
    frame = audience_layer(store, version, layer, city, audience, include_archived=archived)
    schema = LAYERS[layer]
    title = schema.field(schema.title_field)
    # Only the title is formatted for the order; a page's cells when it is shown.
    keys = [sort_key(format_value(title, v)) for v in frame[title.name]]
    order = sorted(range(len(frame)), key=keys.__getitem__)
    return frame.iloc[order]


def data_rows_for(layer: str, city: str, audience: Audience, *, archived: bool) -> gpd.GeoDataFrame:
    """The layer's records ``audience`` sees, in Polish order of their titles.

    Shown a page at a time through ``mapping.tables.display_table`` (which
    keeps this order): formatting 50,000 rows for one screen of them is waste.
    """
    store = get_store()
    return _data_rows(store.location, data_version(store), layer, city, archived, audience)
