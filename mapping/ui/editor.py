"""The record editor of "Aktualizacja": one object owns the edit screen's session state.

Every button of the screen only *asks* for its action (a callback puts an
intent in session state); the editor carries it out at the start of the next
script run, before anything is drawn.  So

* a submit can never be lost: the intent waits in session state until it is
  done, whatever reruns happen meanwhile, and it reads the point placed on the
  picker then (a click and a submit that arrive together are both seen);
* the form shows its errors beside the fields in the run that follows the
  submit, not one interaction later;
* after any action the record stays open (the record picker is set to it
  before it is drawn) and a message says what happened and where the record
  is now, kept until the next action or another record is chosen;
* archiving, bringing back from the archive, undoing, restoring a version and
  confirming many records at once first ask "are you sure?" beside the button
  (the question says what will happen); only "Tak, …" queues the action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import streamlit as st
from shapely.geometry.base import BaseGeometry

from mapping import permissions
from mapping.editing import (
    compare_versions,
    new_record_defaults,
    record_choices,
    verify_many,
    verify_record,
    with_district,
)
from mapping.errors import ConflictError, MapError, ValidationError
from mapping.plural import Forms, with_count
from mapping.schema import LAYERS, Layer
from mapping.ui.forms import record_form
from mapping.ui.i18n import DEFAULT_LANGUAGE, label_of, language, tr
from mapping.ui.records import forget_location, location_picker, picked_location
from mapping.ui.shell import (
    AUTHOR_KEY,
    Context,
    forget_opened,
    get_store,
    load_layer,
    opened_record,
)
from mapping.ui.text import CHOOSE, md

__all__ = ["NEW", "Notice", "RecordEditor"]

#: The record picker's entry for a record not saved yet.
NEW = "__nowy__"

_INTENTS = "_edit_intents"
_NOTICE = "_edit_notice"
_CONFLICT = "_conflict"
_CONFIRM = "_edit_confirm"
_AUTHOR_PROMPT = "edit_author"
_ADDED = "_edit_added_{}"
_OPEN = "_edit_open_{}"
#: Actions a role may be refused, checked again when carried out (not only by hiding buttons).
_GUARDED = {
    "archive": permissions.can_archive,
    "unarchive": permissions.can_archive,
    "restore": permissions.can_restore,
}
_RECORDS = Forms("wpisu", "wpisów", "wpisów")
_RECORDS_ACC = Forms("wpis", "wpisy", "wpisów")


@dataclass(frozen=True)
class _Question:
    """An action waiting for "Tak, …": where it was asked, what it asks, what "yes" does."""

    place: str
    text: str
    yes: str
    action: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Notice:
    """What the last action did, shown until the next one ("success", "warning" or "error")."""

    kind: str
    text: str


def _records(number: int, forms: Forms) -> str:
    """A count of records: Polish forms, or "1 record" / "5 records"."""
    if language() == DEFAULT_LANGUAGE:
        return with_count(number, forms)
    return f"{number} record" if number == 1 else f"{number} records"


def _ask(action: str, **details: Any) -> None:
    """Button callback: queue ``action`` for the editor of the next run."""
    st.session_state[_INTENTS] = [*st.session_state.get(_INTENTS, []), (action, details)]


def _ask_first(question: _Question) -> None:
    """Button callback: show ``question`` beside the button instead of acting at once."""
    st.session_state[_CONFIRM] = question


def _answer(yes: bool) -> None:
    """The "Tak, …" / "Anuluj" callback: queue the asked action, or just forget it."""
    question = st.session_state.pop(_CONFIRM, None)
    if yes and question is not None:
        _ask(question.action, **question.details)


def _take_author() -> None:
    """The in-page name field fills the sidebar's, which every page reads."""
    st.session_state[AUTHOR_KEY] = (st.session_state.get(_AUTHOR_PROMPT) or "").strip()


def _added(layer: str) -> int:
    """How many records of ``layer`` this session has added (numbers the new-record form)."""
    return st.session_state.get(_ADDED.format(layer), 0)


class RecordEditor:
    """Add, edit, verify, archive, restore and undo the records of one layer.

    Owns every session-state key of the edit screen: the open record
    (``_edit_open_{layer}``), its form (``form_{layer}_{id}_{version}``, with
    ``…_errors``), its picker (``pick_{form}``), the queued actions, the last
    message and a pending conflict.  Create it once per run, before drawing
    the screen: it carries out what was asked for on the previous run.
    """

    def __init__(self, layer: Layer, ctx: Context) -> None:
        self.layer = layer
        self.ctx = ctx
        self.store = get_store()
        self.areas: gpd.GeoDataFrame = load_layer("areas", ctx.city)
        intents, st.session_state[_INTENTS] = st.session_state.get(_INTENTS) or [], []
        for action, details in intents:
            st.session_state.pop(_CONFIRM, None)  # an open question is moot after any action
            self._carry_out(action, details)
        #: The layer's records, archived ones included, as they are after the action.
        self.records: gpd.GeoDataFrame = load_layer(layer.name, ctx.city, include_archived=True)
        self.selected = NEW
        self.record: dict[str, Any] | None = None
        self._notice_slot: Any = None

    # -- keys ----------------------------------------------------------------

    @property
    def _open_key(self) -> str:
        return _OPEN.format(self.layer.name)

    @property
    def form_key(self) -> str:
        """The open record's form; a new version of the record is a new form.

        So is every new record: the empty form after an added one is a fresh
        form, not the previous one with its values still typed in.
        """
        version = self.record["version"] if self.record else _added(self.layer.name)
        return f"form_{self.layer.name}_{self.selected}_{version}"

    @property
    def _pick_key(self) -> str:
        return f"pick_{self.form_key}"

    # -- drawing -------------------------------------------------------------

    def active_records(self) -> gpd.GeoDataFrame:
        """The layer's records that are not archived."""
        return self.records[self.records["archived_at"].isna()]

    def ask_for_author(self) -> None:
        """Without a name nothing can be saved: ask for it here, not only in the sidebar."""
        with st.container():  # always drawn: what follows keeps its place on the screen
            if self.ctx.author:
                return
            st.warning(tr("Wpisz swoje imię — każda zmiana zapisuje, kto ją wprowadził."))
            st.text_input(
                tr("Twoje imię (do historii zmian)"),
                key=_AUTHOR_PROMPT,
                placeholder=tr("np. Anna z MOPS"),
                on_change=_take_author,
            )

    def show_notice(self) -> None:
        """What the last action did and where the record is now."""
        notice = st.session_state.get(_NOTICE)
        # A message appearing must not shift the screen below it: an element
        # at a new place is a new element to Streamlit's frontend, which keeps
        # the old copy (hidden) until a run completes, so under load two
        # copies of the form exist at once.
        self._notice_slot = st.empty()  # emptied in this run if another record is chosen
        if notice is not None:
            show = {"success": st.success, "warning": st.warning}.get(notice.kind, st.error)
            with self._notice_slot:
                show(notice.text)

    def choose_record(self) -> dict[str, Any] | None:
        """The record picker ("➕ nowy wpis" first); returns the opened record or None.

        Which record is open is kept here (``_edit_open_{layer}``), not in the
        widget: the picker has no key, so its identity follows the record
        shown.  A widget value set from Python can be overwritten by a value
        the browser sent before it heard of the change (under load, a map
        reporting in); that put the screen back on "nowy wpis" right after a
        save and wiped its message.  A stale value of the old picker now
        belongs to a widget that no longer exists.
        """
        choices = record_choices(self.layer, self.records)
        options = [NEW, *choices]
        opened = st.session_state.get(self._open_key, NEW)
        opened = opened if opened in options else NEW
        picked = st.selectbox(
            tr("Wpis"),
            options,
            index=options.index(opened),
            format_func=lambda i: tr("➕ nowy wpis") if i == NEW else choices[i],
            placeholder=tr(CHOOSE),
        )
        if picked != opened:  # the user chose another record
            st.session_state[self._open_key] = picked
            st.session_state[_NOTICE] = None
            if self._notice_slot is not None:  # it was about the record left
                self._notice_slot.empty()
            st.session_state.pop(_CONFIRM, None)  # a question about the other record
        self.selected = picked
        self.record = None if self.selected == NEW else opened_record(self.layer, self.selected)
        with st.container():  # always drawn, see ``show_notice``
            if self.record and self.record["archived_at"]:
                st.info(
                    tr("Ten wpis jest w archiwum — nie widać go na mapie. Możesz go przywrócić.")
                )
        return self.record

    def location_picker(self) -> None:
        """The map where a click places the open record (or an area is drawn)."""
        if self.layer.geometry is None:
            return
        st.markdown(tr("**Lokalizacja** — kliknij mapę"))
        # A fragment: a click reruns the map and its caption only, never the
        # form beside it, so a submit cannot meet a form being redrawn by the
        # map (the point waits in session state for the save, see records.py).
        _picker_fragment(
            self.areas,
            self.record["geometry"] if self.record else None,
            key=self._pick_key,
            points=self.layer.geometry != "MULTIPOLYGON",
            draw_areas=self.layer.geometry != "POINT",
        )

    def form(self) -> None:
        """The open record's form; its submit is queued with the values entered."""
        refs = {
            f.ref_layer: record_choices(LAYERS[f.ref_layer], load_layer(f.ref_layer, self.ctx.city))
            for f in self.layer.fields
            if f.ref_layer
        }
        record_form(
            self.layer,
            self.record or new_record_defaults(self.layer, self.ctx.city),
            key=self.form_key,
            audience=permissions.audience_for(self.ctx.role),
            on_submit=lambda values: _ask(
                "save",
                layer=self.layer.name,
                record=self.record,
                values=values,
                form_key=self.form_key,
            ),
            ref_options=refs,
            errors=st.session_state.get(f"{self.form_key}_errors"),
            submit_label=tr("Zapisz zmiany") if self.record else tr("Dodaj wpis"),
        )

    def conflict_panel(self) -> None:
        """If the last save of this record met a newer version: show both, let the user choose."""
        pending = st.session_state.get(_CONFLICT)
        if not pending or not self.record:
            return
        layer, current, yours = pending
        if layer != self.layer.name or current["id"] != self.record["id"]:
            return
        st.error(
            tr(
                "Ktoś zapisał nowszą wersję tego wpisu ({author}, {when}). "
                "Nic nie zostało nadpisane.",
                author=md(current["author"]),
                when=current["updated_at"][:16].replace("T", " "),
            )
        )
        st.dataframe(compare_versions(self.layer, current, yours), hide_index=True, width="stretch")
        keep, drop = st.columns(2)
        keep.button(
            tr("Zapisz moją wersję mimo to"),
            type="primary",
            on_click=_ask,
            args=("keep_mine",),
            kwargs={"layer": layer, "current": current, "values": yours},
        )
        drop.button(tr("Zostaw wersję z bazy"), on_click=_ask, args=("keep_theirs",))

    def record_actions(self) -> None:
        """Buttons under the open record: confirm it is current, archive or restore, undo."""
        record = self.record
        if record is None:
            return
        ids = {"layer": self.layer.name, "record_id": record["id"], "version": record["version"]}
        title = md(record.get(self.layer.title_field) or record["id"])
        cols = st.columns(3)
        if "last_verified" in self.layer.field_names:
            self._button(cols[0], tr("✅ Potwierdzam aktualność"), "verify", ids)
        if not permissions.can_archive(self.ctx.role):
            pass  # a partner adds and edits, but does not archive or restore
        elif record["archived_at"]:
            self._button(cols[1], tr("♻️ Przywróć z archiwum"), "unarchive", ids, question=(
                tr("Przywrócić „{title}” z archiwum? Znów będzie widoczny na mapie i w "
                   "eksportach.", title=title),
                tr("Tak, przywróć z archiwum"),
            ))  # fmt: skip
        else:
            self._button(cols[1], tr("🗄️ Archiwizuj"), "archive", ids, question=(
                tr("Zarchiwizować „{title}”? Zniknie z mapy i z eksportów, ale nic nie zostanie "
                   "usunięte: wrócisz do niego przyciskiem „Przywróć z archiwum” albo „Cofnij”.",
                   title=title),
                tr("Tak, archiwizuj"),
            ))  # fmt: skip
        undo = tr(
            "Cofnąć dodanie wpisu „{title}”? Wróci treść poprzedniej wersji; cofnięcie też "
            "trafia do historii."
            if record["version"] == 1
            else "Cofnąć ostatnią zmianę wpisu „{title}”? Wróci treść poprzedniej wersji; "
            "cofnięcie też trafia do historii.",
            title=title,
        )
        self._button(cols[2], tr("↩️ Cofnij ostatnią zmianę"), "undo", ids,
                     question=(undo, tr("Tak, cofnij")))  # fmt: skip
        self._confirmation("record", record["id"])

    def verify_button(self, record_ids: list[str]) -> None:
        """ "Potwierdzam aktualność zaznaczonych" for the rows chosen in a table."""
        count = _records(len(record_ids), _RECORDS_ACC)
        question = _Question(
            place=f"stale_{self.layer.name}",
            text=tr(
                "Potwierdzić aktualność: {count}? Każdy dostanie dzisiejszą datę weryfikacji "
                "(zmiana trafia do historii) i zniknie z listy „Do weryfikacji”.",
                count=count,
            ),
            yes=tr("Tak, potwierdź ({count})", count=len(record_ids)),
            action="verify_many",
            details={"layer": self.layer.name, "record_ids": list(record_ids)},
        )
        st.button(
            tr("✅ Potwierdzam aktualność zaznaczonych ({count})", count=len(record_ids)),
            disabled=not record_ids,
            on_click=_ask_first,
            args=(question,),
        )
        self._confirmation(question.place)

    def restore_button(self, version: int) -> None:
        """Make an earlier version of the open record current again."""
        if self.record is None or not permissions.can_restore(self.ctx.role):
            return
        title = md(self.record.get(self.layer.title_field) or self.record["id"])
        question = _Question(
            place="history",
            text=tr(
                "Przywrócić wersję {version} wpisu „{title}”? Stanie się nową, bieżącą "
                "wersją; obecna treść zostaje w historii.",
                version=version,
                title=title,
            ),
            yes=tr("Tak, przywróć wersję {version}", version=version),
            action="restore",
            details={"layer": self.layer.name, "record_id": self.record["id"], "version": version},
        )
        st.button(
            tr("Przywróć wersję {version}", version=version),
            on_click=_ask_first,
            args=(question,),
        )
        self._confirmation("history", self.record["id"])

    def open_button(self, label: str, record_id: str) -> None:
        """A button that opens ``record_id`` in the form on "Dodaj / edytuj"."""

        def open_it() -> None:  # a callback runs before the picker is drawn again
            st.session_state[_NOTICE] = None
            st.session_state[self._open_key] = record_id

        st.button(label, key=f"open_{self.layer.name}_{record_id}", on_click=open_it)

    def place_unlocated(self, record_id: str, version: int) -> None:
        """A picker and a save button for a record that has no location yet."""
        key = f"unlocated_{record_id}"
        point = location_picker(self.areas, None, key=key)
        st.button(
            tr("📍 Zapisz lokalizację"),
            disabled=point is None,
            on_click=_ask,
            args=("locate",),
            kwargs={
                "layer": self.layer.name,
                "record_id": record_id,
                "version": version,
                "pick_key": key,
            },
        )

    def _button(
        self,
        col: Any,
        label: str,
        action: str,
        ids: dict[str, Any],
        *,
        question: tuple[str, str] | None = None,
    ) -> None:
        """A button under the record; with ``question`` (text, "yes" label) it asks first."""
        key = f"{label}_{ids['record_id']}"
        if question is None:
            col.button(label, key=key, on_click=_ask, args=(action,), kwargs=ids)
            return
        text, yes = question
        asked = _Question("record", text, yes, action, ids)
        col.button(label, key=key, on_click=_ask_first, args=(asked,))

    def _confirmation(self, place: str, record_id: str | None = None) -> None:
        """The question a button of ``place`` asked (if any), with "Tak, …" and "Anuluj"."""
        with st.container():  # always drawn, see ``show_notice``
            question = st.session_state.get(_CONFIRM)
            if question is None or question.place != place:
                return
            if record_id is not None and question.details.get("record_id") != record_id:
                return
            st.warning(question.text)
            yes, no = st.columns(2)
            yes.button(question.yes, type="primary", on_click=_answer, args=(True,))
            no.button(tr("Anuluj"), on_click=_answer, args=(False,))

    # -- carrying out --------------------------------------------------------

    def _carry_out(self, action: str, details: dict[str, Any]) -> None:
        if action == "keep_theirs":  # writes nothing: no name needed
            st.session_state.pop(_CONFLICT, None)
            forget_opened()
            self._notify("warning", tr("Zostawiono wersję z bazy — formularz pokazuje ją teraz."))
            return
        if not self.ctx.author:
            self._notify(
                "error",
                tr(
                    "Nie zapisano — wpisz swoje imię w polu „Twoje imię” powyżej (każda zmiana "
                    "zapisuje, kto ją wprowadził), potem kliknij jeszcze raz. Wpisane dane czekają."
                ),
            )
            return
        if action in _GUARDED and not _GUARDED[action](self.ctx.role):
            self._notify("error", tr("Nie zapisano — Twoja rola nie pozwala na tę zmianę."))
            return
        try:
            getattr(self, f"_{action}")(**details)
        except ConflictError as exc:
            forget_opened()
            self._notify(
                "error",
                tr("Nie zapisano: {why} Pokazuję wersję z bazy.", why=md(tr(exc.message))),
            )
        except ValidationError as exc:
            self._notify("error", tr("Nie zapisano: {why}", why=md(tr(exc.describe()))))
        except MapError as exc:
            self._notify("error", tr("Nie zapisano: {why}", why=md(tr(exc.describe()))))

    def _save(
        self,
        layer: str,
        record: dict[str, Any] | None,
        values: dict[str, Any],
        form_key: str,
    ) -> None:
        schema = LAYERS[layer]
        pick_key, errors_key = f"pick_{form_key}", f"{form_key}_errors"
        if schema.geometry:
            placed = picked_location(pick_key, points=schema.geometry != "MULTIPOLYGON")
            geometry = placed or (record["geometry"] if record else None)
            values = with_district(schema, {**values, "geometry": geometry}, self.areas)
        st.session_state.pop(errors_key, None)
        try:
            if record is None:
                saved = self.store.create(layer, values, author=self.ctx.author)
            else:
                saved = self.store.update(
                    layer,
                    record["id"],
                    values,
                    expected_version=record["version"],
                    author=self.ctx.author,
                )
        except ValidationError as exc:
            st.session_state[errors_key] = {p.field: tr(p.message) for p in exc.problems}
            self._notify("error", tr("Nie zapisano — popraw pola zaznaczone w formularzu."))
            return
        except ConflictError as exc:
            st.session_state[_CONFLICT] = (layer, exc.current, values)
            self._notify("error", tr("Nie zapisano — ktoś zmienił ten wpis w międzyczasie."))
            return
        forget_location(pick_key)
        if record is None:
            st.session_state[_ADDED.format(layer)] = _added(layer) + 1
        self._done(schema, saved, tr("Dodano") if record is None else tr("Zapisano"))

    def _keep_mine(self, layer: str, current: dict[str, Any], values: dict[str, Any]) -> None:
        saved = self.store.update(
            layer,
            current["id"],
            values,
            expected_version=current["version"],
            author=self.ctx.author,
        )
        st.session_state.pop(_CONFLICT, None)
        self._done(LAYERS[layer], saved, tr("Zapisano Twoją wersję"))

    def _verify(self, layer: str, record_id: str, version: int) -> None:
        record = {"id": record_id, "version": version}
        saved = verify_record(self.store, layer, record, author=self.ctx.author)
        self._done(LAYERS[layer], saved, tr("Potwierdzono aktualność"))

    def _archive(self, layer: str, record_id: str, version: int) -> None:
        saved = self.store.archive(
            layer, record_id, expected_version=version, author=self.ctx.author
        )
        self._done(LAYERS[layer], saved, tr("Zarchiwizowano"))

    def _unarchive(self, layer: str, record_id: str, version: int) -> None:
        saved = self.store.unarchive(
            layer, record_id, expected_version=version, author=self.ctx.author
        )
        self._done(LAYERS[layer], saved, tr("Przywrócono z archiwum"))

    def _undo(self, layer: str, record_id: str, version: int) -> None:
        saved = self.store.undo_last(layer, record_id, author=self.ctx.author)
        what = (
            tr("Cofnięto dodanie")
            if version == 1
            else tr("Cofnięto ostatnią zmianę (treść wersji {version})", version=version - 1)
        )
        self._done(LAYERS[layer], saved, what)

    def _restore(self, layer: str, record_id: str, version: int) -> None:
        saved = self.store.restore(layer, record_id, version, author=self.ctx.author)
        self._done(LAYERS[layer], saved, tr("Przywrócono wersję {version}", version=version))

    def _verify_many(self, layer: str, record_ids: list[str]) -> None:
        changed = verify_many(
            self.store, layer, record_ids, author=self.ctx.author, today=date.today()
        )
        forget_opened()
        self._notify(
            "success",
            tr(
                "Potwierdzono aktualność {count} — zniknęły z listy „Do weryfikacji” i zostają "
                "na mapie.",
                count=_records(changed, _RECORDS),
            ),
        )

    def _locate(self, layer: str, record_id: str, version: int, pick_key: str) -> None:
        schema = LAYERS[layer]
        point = picked_location(pick_key)
        if point is None:
            self._notify("error", tr("Nie zapisano — najpierw kliknij mapę, aby wskazać miejsce."))
            return
        located = with_district(schema, {"geometry": point}, self.areas)
        saved = self.store.update(
            layer, record_id, located, expected_version=version, author=self.ctx.author
        )
        forget_location(pick_key)
        self._done(schema, saved, tr("Zapisano lokalizację"), open_it=False)

    def _done(
        self, layer: Layer, saved: dict[str, Any], what: str, *, open_it: bool = True
    ) -> None:
        """After a write: open the record (its picker is not drawn yet) and say where it is."""
        forget_opened()
        if open_it:
            st.session_state[_OPEN.format(layer.name)] = saved["id"]
        title = md(saved.get(layer.title_field) or saved["id"])
        opened = tr(" Wpis jest otwarty poniżej.") if open_it else ""
        self._notify(
            "success",
            tr(
                "{what}: „{title}” — {where}, wersja {version}.{opened}",
                what=what,
                title=title,
                where=_where(layer, saved),
                version=saved["version"],
                opened=opened,
            ),
        )

    def _notify(self, kind: str, text: str) -> None:
        st.session_state[_NOTICE] = Notice(kind, text)


@st.fragment
def _picker_fragment(
    areas: gpd.GeoDataFrame,
    current: BaseGeometry | None,
    *,
    key: str,
    points: bool,
    draw_areas: bool,
) -> None:
    location_picker(areas, current, key=key, points=points, draw_areas=draw_areas)


def _where(layer: Layer, record: dict[str, Any]) -> str:
    """Where the record is now, in words."""
    if record.get("archived_at"):
        return tr(
            "jest w archiwum: nie widać go na mapie ani w eksportach, nic nie zostało usunięte "
            "(przywrócisz go przyciskiem „Przywróć z archiwum”)"
        )
    if layer.geometry is None:
        return tr("jest w warstwie „{layer}”", layer=label_of(layer))
    if record.get("geometry") is None:
        return tr("jest bez lokalizacji (lista „Bez lokalizacji”; wskaż miejsce na mapie)")
    district = record.get("district")
    if district:
        return tr("jest na mapie, dzielnica {district}", district=md(district))
    return tr("jest na mapie")
