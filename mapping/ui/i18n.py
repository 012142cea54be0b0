"""The app's two languages: Polish (the source and the default) and English.

Every text a page shows is written in Polish and passed through ``tr``; the
English of it comes from one catalogue, ``mapping/english.toml``
(``mapping.language``: Polish text → English text, ``{name}`` placeholders in
both); the domain's messages (``mapping.language.Message``) go through ``tr``
too.  The schema's
own words (layers, fields, choices) are not re-typed there: ``label_of`` and
``choice_of`` take the schema's ``label_en``.

The language is the sidebar's choice (``language_switch``), kept in the page
address (``?lang=en``) so a bookmark or a reload keeps it.  In English, a text
the catalogue lacks is shown in Polish and noted (``misses``):
``tests/test_i18n.py`` walks every page in English and fails on any.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from mapping.language import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Message,
    catalogue,
    forget_misses,
    misses,
    translate,
)
from mapping.plural import with_count
from mapping.schema import Choice, Field, Layer

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_KEY",
    "SWITCH_LABEL",
    "catalogue",
    "choice_of",
    "count_of",
    "forget_misses",
    "label_of",
    "labelled_columns",
    "language",
    "language_switch",
    "misses",
    "said",
    "tr",
    "translate",
    "translated_cells",
    "translated_columns",
]

#: The switch's session-state key and the page address's query parameter.
LANGUAGE_KEY = "lang"
#: The switch's label: in both languages, so either reader finds it.
SWITCH_LABEL = "Język / Language"

#: The language of the latest script run, for format functions Streamlit's test
#: harness calls after the run is over (a server calls them only inside it).
_LATEST = [DEFAULT_LANGUAGE]


def language() -> str:
    """The language of this run: the switch's choice, else the page address's, else Polish."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return _LATEST[0]
    chosen = st.session_state.get(LANGUAGE_KEY)
    if chosen not in LANGUAGES:
        chosen = st.query_params.get(LANGUAGE_KEY)
    _LATEST[0] = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    return _LATEST[0]


def tr(text: str, /, **values: Any) -> str:
    """``text`` (Polish, or a domain ``Message``) in the language of this run, placeholders filled.

    In English a text the catalogue lacks stays Polish and is noted in ``misses``.
    Values are put in as given: user text must already be ``md``/``escape``d.  A
    ``Message`` comes back as plain text, not escaped: ``md(tr(exc.message))``.
    """
    return translate(text, language(), **values)


def label_of(item: Layer | Field | Choice) -> str:
    """The schema's own label of a layer, a field or a choice, in this run's language."""
    return item.label if language() == DEFAULT_LANGUAGE else item.label_en


def choice_of(field: Field, code: str) -> str:
    """The label of a choice ``code`` of ``field`` (the code itself if unknown)."""
    choice = next((c for c in field.choices if c.code == code), None)
    return code if choice is None else label_of(choice)


def labelled_columns(table: pd.DataFrame, layer: Layer) -> pd.DataFrame:
    """``table`` with its columns named by ``layer``'s fields' labels, in this run's language.

    For tables the domain labels in Polish (``mapping.tables.display_table``);
    their cells (formatted values) stay as the domain wrote them.
    """
    if language() == DEFAULT_LANGUAGE:
        return table
    return table.rename(columns={f.label: f.label_en for f in layer.fields})


def translated_columns(table: pd.DataFrame, *, keep: tuple[str, ...] = ()) -> pd.DataFrame:
    """``table`` with its column names and index name (Polish headers) through ``tr``.

    ``keep`` names program columns (ids hidden by ``column_config``) left as they are.
    """
    if language() == DEFAULT_LANGUAGE:
        return table
    shown = table.rename(columns={c: tr(str(c)) for c in table.columns if c not in keep})
    if isinstance(table.index.name, str) and table.index.name not in keep:
        shown = shown.rename_axis(index=tr(table.index.name))  # the index's header too
    return shown


def said(value: Any) -> Any:
    """A domain ``Message`` in this run's language; anything else (the user's data) as it is.

    For values that may be either: a file's sheet name or the app's "wszystkie
    foldery", a preview cell with a row's name or its status.
    """
    return tr(value) if isinstance(value, Message) else value


def translated_cells(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every ``Message`` cell in this run's language; other cells untouched.

    The messages must be in object columns: pandas' string dtype keeps only their text.
    """
    if language() == DEFAULT_LANGUAGE:
        return table
    return table.map(said)


def count_of(number: int, layer: Layer) -> str:
    """``number`` records of ``layer``: "5 zasobów" or "5 resources"."""
    if language() == DEFAULT_LANGUAGE:
        return with_count(number, layer.count_forms)
    noun = layer.label_en.lower()
    return f"{int(number)} {noun[:-1] if number == 1 and noun.endswith('s') else noun}"


def _keep_language() -> None:
    """Write the switch's choice into the page address (Polish: no parameter)."""
    chosen = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    if chosen == DEFAULT_LANGUAGE:
        st.query_params.pop(LANGUAGE_KEY, None)
    else:
        st.query_params[LANGUAGE_KEY] = chosen


def language_switch() -> str:
    """Draw "Język / Language: Polski | English" (in the sidebar); return the language.

    The choice starts from the page address and goes back into it on every run:
    a page change drops the address's parameters, a bookmark keeps them.
    """
    # Streamlit drops a widget's value on a page change when it is drawn before
    # ``st.navigation`` (as the sidebar is): keep it explicitly.
    st.session_state[LANGUAGE_KEY] = language()
    st.radio(
        SWITCH_LABEL,
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=LANGUAGE_KEY,
        horizontal=True,
    )
    _keep_language()
    return language()
