"""Files to download from a screen: a table's layer as CSV/XLSX, and the map's backup.

Streamlit's own "Download as CSV" of ``st.dataframe`` is off
(``client.disableDataExport``): it would write user text as it is, formulas
included.  The table's layer is offered through the app's export instead,
which neutralises formulas and never writes private fields.
"""

from __future__ import annotations

import functools

import streamlit as st

from mapping import permissions
from mapping.export import EXPORT_AUDIENCES, FORMATS, ExportRequest, export
from mapping.schema import LAYERS, Audience, Visibility
from mapping.store import is_server_location
from mapping.store.backup import backup_bytes, backup_name
from mapping.ui.i18n import tr
from mapping.ui.shell import Context, get_store, run_action
from mapping.ui.text import md

__all__ = ["backup_panel", "export_audience", "table_downloads"]

#: The formats offered under a table.
TABLE_FORMATS = ("csv", "xlsx")
_BACKUP = "_backup_file"


def export_audience(ctx: Context) -> Audience:
    """The widest audience of an export this person may make that the screen shows too."""
    allowed = [
        a
        for a in EXPORT_AUDIENCES
        if permissions.can_export(ctx.role, a) and _within(a, ctx.audience)
    ]
    return allowed[-1] if allowed else Audience.PUBLIC


def _within(narrow: Audience, wide: Audience) -> bool:
    return all(wide.can_view(v) for v in Visibility if narrow.can_view(v))


def table_downloads(ctx: Context, layer: str) -> None:
    """Buttons for the layer ``layer`` of this city as CSV and XLSX, made by the app's export.

    The file is made only when a button is clicked.
    """
    audience = export_audience(ctx)
    request = ExportRequest(ctx.city, audience=audience, layers=(layer,))
    stem = request.stem(LAYERS[layer].label)
    st.caption(
        tr(
            "Pobierz tę warstwę ({version}, bez zarchiwizowanych): formuły arkusza są "
            "zneutralizowane, dane prywatne nie są eksportowane.",
            version=md(tr(audience.version_label)),
        )
    )
    for column, fmt in zip(st.columns(len(TABLE_FORMATS)), TABLE_FORMATS, strict=True):
        spec = FORMATS[fmt]
        column.download_button(
            f"⬇️ {tr(spec.label)}",
            data=functools.partial(_layer_file, fmt, request),
            file_name=stem + spec.suffix,
            mime=spec.mime,
            key=f"table_{fmt}_{layer}",
            width="stretch",
        )


def _layer_file(fmt: str, request: ExportRequest) -> bytes:
    return export(get_store(), fmt, request).data


def backup_panel(ctx: Context) -> None:
    """The "Kopia zapasowa" section: the whole map in one consistent ``.gpkg`` file."""
    if not permissions.can_back_up(ctx.role):
        return
    store = get_store()
    st.subheader(tr("Kopia zapasowa"))
    if is_server_location(store.location):
        st.caption(
            tr(
                "Mapa jest na serwerze PostgreSQL: kopię robi administrator serwera (pg_dump) "
                "albo polecenie python -m mapping copy ADRES kopia.gpkg."
            )
        )
        return
    st.caption(
        tr(
            "Cała mapa z historią zmian, danymi prywatnymi i kontami w jednym pliku .gpkg. "
            "Kopia jest spójna także wtedy, gdy ktoś właśnie zapisuje (zwykłe skopiowanie "
            "pliku w trakcie zapisu nie jest kopią). Przechowuj ją bezpiecznie — są w niej "
            "dane osobowe."
        )
    )
    if st.button(tr("💾 Kopia zapasowa"), key="backup_make"):
        with st.spinner(tr("Robię kopię…")):
            data = run_action(lambda: backup_bytes(store.location))
        st.session_state[_BACKUP] = None if data is None else (backup_name(store.location), data)
    made = st.session_state.get(_BACKUP)
    if made is not None:
        st.download_button(
            tr("⬇️ Pobierz {name}", name=md(made[0])),
            made[1],
            file_name=made[0],
            mime="application/geopackage+sqlite3",
            key="backup_download",
        )
