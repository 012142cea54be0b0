"""Forms derived from the schema: one widget per field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from mapping.schema import Audience, Field, FieldType, Layer, Visibility
from mapping.ui.i18n import choice_of, label_of, tr
from mapping.ui.text import CHOOSE, md

__all__ = [
    "form_values",
    "record_form",
]


def _label(f: Field) -> str:
    lock = " 🔒" if f.visibility == Visibility.PRIVATE else ""
    return f"{label_of(f)}{' *' if f.required else ''}{lock}"


def _help(f: Field) -> str | None:
    notes = [tr(f.help)] if f.help else []
    if f.visibility == Visibility.PRIVATE:
        notes.append(tr("Dane osobowe: widoczne tylko dla edytorów, nigdy w eksportach HTML."))
    elif f.visibility == Visibility.TEAM:
        notes.append(tr("Widoczne dla zespołu, nie w publicznej mapie."))
    return " ".join(notes) or None


def _choice(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    options = [None, *f.codes]
    # A new record starts at "—" even for required fields: the user chooses
    # consciously, and a forgotten choice gets the "pole jest wymagane" message.
    index = options.index(value) if value in options else 0
    return st.selectbox(
        label,
        options,
        index=index,
        format_func=lambda c: "—" if c is None else choice_of(f, c),
        help=_help(f),
        key=wkey,
        placeholder=tr(CHOOSE),
    )


def _multichoice(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    return st.multiselect(
        label,
        f.codes,
        default=value or [],
        format_func=lambda c: choice_of(f, c),
        key=wkey,
        placeholder=tr(CHOOSE),
    )


def _refs(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    options = refs.get(f.ref_layer or "", {})
    chosen = [v for v in (value or []) if v in options]
    return st.multiselect(
        label,
        list(options),
        default=chosen,
        format_func=options.get,
        key=wkey,
        placeholder=tr(CHOOSE),
    )


def _number(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    integer = f.type == FieldType.INTEGER
    number = None if value is None or pd.isna(value) else (int(value) if integer else value)
    step = 1 if integer else 0.1
    return st.number_input(label, value=number, step=step, help=_help(f), key=wkey)


def _date(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    current = date.fromisoformat(value) if isinstance(value, str) and value else None
    return st.date_input(label, value=current, format="DD.MM.YYYY", help=_help(f), key=wkey)


def _longtext(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    return st.text_area(label, value=value or "", help=_help(f), key=wkey)


def _text(f: Field, value: Any, label: str, wkey: str, refs: dict) -> Any:
    return st.text_input(label, value=value or "", help=_help(f), key=wkey)


_WIDGETS = {
    FieldType.CHOICE: _choice,
    FieldType.MULTICHOICE: _multichoice,
    FieldType.REFS: _refs,
    FieldType.INTEGER: _number,
    FieldType.REAL: _number,
    FieldType.DATE: _date,
    FieldType.LONGTEXT: _longtext,
}


def form_values(layer: Layer, key: str, audience: Audience = Audience.EDITOR) -> dict[str, Any]:
    """The values entered in ``record_form(layer, key=key)``, read from session state.

    A form's widgets hold their submitted values in session state by the time
    its submit callback runs, so the callback can take them from here.
    """
    fields = layer.visible_fields(audience)
    return {f.name: st.session_state.get(f"{key}_{f.name}") for f in fields}


def record_form(
    layer: Layer,
    record: dict[str, Any] | None,
    *,
    key: str,
    on_submit: Callable[[dict[str, Any]], None],
    ref_options: dict[str, dict[str, str]] | None = None,
    errors: dict[str, str] | None = None,
    audience: Audience = Audience.EDITOR,
    submit_label: str = "",
) -> None:
    """A form with one widget per field of ``layer`` (required ones marked with *).

    On submit, ``on_submit`` gets the entered values (as a callback, before
    the script runs again, so no rerun can lose them).  ``errors`` maps a
    field's Polish label to its message, shown right under the field; those
    of fields the form has no widget for are shown above the button.  Only fields
    ``audience`` may see get a widget (and so reach the browser); the others
    are left out of the values, so saving keeps what is stored.
    """
    record = record or {}
    errors = errors or {}
    ref_options = ref_options or {}
    with st.form(key, border=True):
        for f in layer.visible_fields(audience):
            widget = _WIDGETS.get(f.type, _text)
            widget(f, record.get(f.name), _label(f), f"{key}_{f.name}", ref_options)
            if f.label in errors:
                st.error(md(errors[f.label]), icon="⚠️")
        shown = {f.label for f in layer.visible_fields(audience)}
        names = {f.label: label_of(f) for f in layer.fields}  # the label in this run's language
        for polish, message in errors.items():
            if polish not in shown:
                label = names.get(polish, polish)
                st.error(f"{label}: {md(message)}", icon="⚠️")
        st.form_submit_button(
            submit_label or tr("Zapisz"),
            type="primary",
            on_click=lambda: on_submit(form_values(layer, key, audience)),
        )
