"""The English UI: one catalogue, every page walked in English with no text missing.

Three guards: the catalogue itself (every entry has an English text with the
same placeholders), the sources (every literal passed to ``tr`` has an entry,
and no template is built on the fly), and the pages (walked with AppTest in
English, no text may be missing; walked in Polish, no English may show).
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapping import language
from mapping.schema import LAYERS
from mapping.ui.i18n import catalogue, forget_misses, misses, translate
from tests import navigation
from tests.test_ui_text import MARKDOWN_CALLS, TEXT_KEYWORDS

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    [REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "mapping/ui").glob("*.py")]
)
APP = str(navigation.APP)
PAGES = list(navigation.app_pages())


# -- the catalogue ----------------------------------------------------------------------


def _placeholders(text: str) -> list[str]:
    """The ``{name:spec}`` fields of a template, sorted (``{{`` is a literal brace)."""
    fields = string.Formatter().parse(text)
    return sorted(f"{name}:{spec}" for _, name, spec, _ in fields if name is not None)


def test_every_entry_has_an_english_text_with_the_same_placeholders():
    wrong = [
        f"{polish!r} → {english!r}"
        for polish, english in catalogue().items()
        if not english.strip() or _placeholders(polish) != _placeholders(english)
    ]
    assert not wrong, "Fix these entries of mapping/english.toml:\n" + "\n".join(wrong)


def test_translate_fills_placeholders_in_either_language():
    assert translate("Analiza — {city}", "pl", city="Gdańsk") == "Analiza — Gdańsk"
    assert translate("Analiza — {city}", "en", city="Gdańsk") == "Analysis — Gdańsk"
    assert translate("Rozmiar: {size:.0f} KB", "en", size=12.4) == "Size: 12 KB"


def test_a_missing_english_text_stays_polish_and_is_noted():
    forget_misses()
    assert translate("Tekst bez tłumaczenia {n}", "pl", n=1) == "Tekst bez tłumaczenia 1"
    assert misses() == set()  # Polish needs no entry
    assert translate("Tekst bez tłumaczenia {n}", "en", n=1) == "Tekst bez tłumaczenia 1"
    assert misses() == {"Tekst bez tłumaczenia {n}"}
    forget_misses()


#: Polish words the pages use in another sense than the schema's field of the same name.
OTHER_SENSE = {
    "Dla kogo": "the export's and the report's audience, not a record's target groups",
}


def test_the_catalogue_agrees_with_the_schema_where_their_words_meet():
    # Pages take the schema's words from label_en (label_of); where another label of
    # the domain has the same Polish ("Zasoby" to import), the English is the same too.
    items = [*LAYERS.values(), *(f for layer in LAYERS.values() for f in layer.fields)]
    items += [c for layer in LAYERS.values() for f in layer.fields for c in f.choices]
    english = catalogue()
    differ = [
        f"{item.label!r}: schema {item.label_en!r}, catalogue {english[item.label]!r}"
        for item in items
        if item.label in english
        and english[item.label] != item.label_en
        and item.label not in OTHER_SENSE
    ]
    assert not differ, "\n".join(differ)


# -- the sources --------------------------------------------------------------------------


def _is_tr(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name == "tr"


def _templates(node: ast.expr) -> Iterator[ast.expr]:
    """The template expressions of a ``tr`` call's first argument (both arms of an ``if``)."""
    if isinstance(node, ast.IfExp):
        yield from _templates(node.body)
        yield from _templates(node.orelse)
    else:
        yield node


def _tr_templates(path: Path) -> Iterator[tuple[int, ast.expr]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if _is_tr(node) and isinstance(node, ast.Call) and node.args:
            for template in _templates(node.args[0]):
                yield node.lineno, template


def _literal_templates_in_sources() -> set[str]:
    return {
        t.value
        for path in SOURCES
        for _, t in _tr_templates(path)
        if isinstance(t, ast.Constant) and isinstance(t.value, str)
    }


def _source_findings(path: Path, base: Path) -> Iterator[str]:
    """Literal templates without an English entry, and templates made on the fly."""
    where = path.relative_to(base).as_posix()
    for line, template in _tr_templates(path):
        if isinstance(template, ast.Constant):
            if template.value not in catalogue():
                yield f"{where}:{line} no English for {template.value!r}"
        elif isinstance(template, ast.JoinedStr | ast.BinOp):
            # An f-string or a sum is a different text every time: no entry can match it.
            yield f"{where}:{line} template made on the fly: {ast.unparse(template)}"


def test_every_literal_text_of_the_pages_has_an_english_entry():
    findings = [f for path in SOURCES for f in _source_findings(path, REPO)]
    assert not findings, (
        "Add to mapping/english.toml, or pass a literal template with "
        "{placeholders} to tr:\n" + "\n".join(findings)
    )


#: The domain's modules: their messages (``Message``) are said through ``tr`` too.
DOMAIN = sorted(
    p
    for p in (REPO / "mapping").rglob("*.py")
    if not p.is_relative_to(REPO / "mapping/ui")
    and not p.is_relative_to(REPO / "mapping/databuild")
)


def _calls(path: Path, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                yield node


def _message_findings(path: Path, base: Path) -> Iterator[str]:
    """Message templates without an English entry, and templates made on the fly."""
    where = path.relative_to(base).as_posix()
    for call in [*_calls(path, "Message"), *_calls(path, "say")]:
        template = call.args[0] if call.args else None
        if isinstance(template, ast.Constant) and isinstance(template.value, str):
            if template.value not in catalogue():
                yield f"{where}:{call.lineno} no English for {template.value!r}"
        elif template is not None and isinstance(call.func, ast.Name) and call.func.id == "Message":
            # say() may say a named constant (checked where it is written); Message not.
            yield f"{where}:{call.lineno} template made on the fly: {ast.unparse(template)}"


def test_every_domain_message_has_an_english_entry():
    # Message(...) templates, and texts a document says while written (say(...)).
    findings = [f for path in DOMAIN for f in _message_findings(path, REPO)]
    assert not findings, (
        "Add to mapping/english.toml, or give Message a literal template with "
        "{placeholders}:\n" + "\n".join(findings)
    )


def _counted_forms() -> Iterator[tuple[str, str]]:
    """(where, noun) of the forms ``count`` may say: a layer's, and literal ``Forms`` beside it."""
    for layer in LAYERS.values():
        for forms in (layer.count_forms, layer.genitive_forms):
            yield f"schema {layer.name}", forms.one
            yield f"schema {layer.name}", forms.many
    for path in DOMAIN:
        if not any(isinstance(c.func, ast.Name) for c in _calls(path, "count")):
            continue  # no mapping.language.count here (str.count is another)
        for call in _calls(path, "Forms"):
            words = [a.value for a in call.args if isinstance(a, ast.Constant)]
            if len(words) == 3:
                yield f"{path.relative_to(REPO)}:{call.lineno}", words[0]
                yield f"{path.relative_to(REPO)}:{call.lineno}", words[2]


def test_every_counted_noun_has_an_english_singular_and_plural():
    missing = [f"{where}: {noun!r}" for where, noun in _counted_forms() if noun not in catalogue()]
    assert not missing, "Add to mapping/english.toml:\n" + "\n".join(missing)


def test_a_domain_message_is_said_in_english_with_its_values():
    problem = clean_problem()
    assert str(problem) == "pole „Telefon kontaktowy”: „abc” nie jest numerem telefonu"
    assert translate(problem, "en") == 'field "Contact phone": "abc" is not a phone number'


def clean_problem() -> str:
    """What validation says of a phone number that is not one."""
    from mapping.errors import ValidationError
    from mapping.schema import RESOURCES
    from mapping.validation import clean_record

    with pytest.raises(ValidationError) as caught:
        clean_record(RESOURCES, {"phone": "abc"}, partial=True)
    return caught.value.describe()


#: Keywords of Streamlit calls whose literal is shown as text, beside TEXT_KEYWORDS.
_SHOWN_KEYWORDS = TEXT_KEYWORDS | {"placeholder", "label", "title", "success", "submit_label"}
#: Calls whose first argument is a program value (a page's path, a message's kind).
_FIRST_NOT_TEXT = frozenset({"Page", "page_link", "_notify"})


def _literals(node: ast.expr) -> Iterator[ast.Constant]:
    """The string literals that end up in the text ``node`` makes (not inside ``tr``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node
    elif isinstance(node, ast.JoinedStr):
        yield from (v for v in node.values if isinstance(v, ast.Constant))
    elif isinstance(node, ast.BinOp):
        yield from _literals(node.left)
        yield from _literals(node.right)
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body)
        yield from _literals(node.orelse)
    elif isinstance(node, ast.List | ast.Tuple):
        for element in node.elts:
            yield from _literals(element)


def _words(text: str) -> bool:
    """Whether ``text`` holds words (not only HTML tags, emoji, numbers or punctuation)."""
    bare = re.sub(r"<[^>]*>", "", text)
    return re.search(r"[^\W\d_]{2}", bare) is not None


def _raw_texts(path: Path, base: Path) -> Iterator[str]:
    """Literal words given to a Streamlit text call without ``tr``."""
    where = path.relative_to(base).as_posix()
    for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(call, ast.Call) or _is_tr(call):
            continue
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        texts = [k.value for k in call.keywords if k.arg in _SHOWN_KEYWORDS]
        if name in MARKDOWN_CALLS | {"Page", "TextColumn", "SelectboxColumn"} and call.args:
            texts += [] if name in _FIRST_NOT_TEXT else [call.args[0]]
        for text in texts:
            for literal in _literals(text):
                if _words(literal.value):
                    yield f"{where}:{literal.lineno} {name}: {literal.value!r}"


def test_no_page_text_is_shown_without_tr():
    # The walks reach what the seeded data shows; this finds the texts of every branch.
    raw = [f for path in SOURCES for f in _raw_texts(path, REPO)]
    assert not raw, "Wrap these in tr(...) and add them to english.toml:\n" + "\n".join(raw)


def test_the_source_check_catches_an_untranslated_text(tmp_path):
    page = tmp_path / "strona.py"
    page.write_text(
        "st.title(ui.tr('Analiza — {city}', city=ui.md(ctx.city)))\n"
        "st.caption(ui.tr('Zdanie, którego nikt nie przetłumaczył'))\n"
        "st.caption(tr(f'Mapa — {ctx.city}'))\n",
        encoding="utf-8",
    )
    assert list(_source_findings(page, tmp_path)) == [
        "strona.py:2 no English for 'Zdanie, którego nikt nie przetłumaczył'",
        "strona.py:3 template made on the fly: f'Mapa — {ctx.city}'",
    ]
    page.write_text(
        "st.button('Zapisz', help=tr('Zapisz'))\n"
        "st.markdown(f\"<h1 class='x'>{ui.escape(t)}</h1>\")\n"
        "st.caption(f'Rozmiar: {size} KB')\n",
        encoding="utf-8",
    )
    assert list(_raw_texts(page, tmp_path)) == [
        "strona.py:1 button: 'Zapisz'",
        "strona.py:3 caption: 'Rozmiar: '",
        "strona.py:3 caption: ' KB'",
    ]


# -- the pages --------------------------------------------------------------------------------

#: Element attributes that hold text shown to the reader.
_TEXT_ATTRIBUTES = ("label", "placeholder", "help")
_TEXT_ELEMENTS = frozenset(
    "markdown caption title header subheader info warning error success exception toast".split()
)


def _shown(node: object) -> Iterator[str]:
    """Every text an AppTest element (and what it holds) shows."""
    for name in _TEXT_ATTRIBUTES:
        value = getattr(node, name, None)
        if isinstance(value, str) and value:
            yield value
    if getattr(node, "type", None) in _TEXT_ELEMENTS:
        value = getattr(node, "value", None)
        if isinstance(value, str):
            yield value
    options = getattr(node, "options", None)
    if isinstance(options, list):
        yield from (o for o in options if isinstance(o, str))
    kind = getattr(node, "type", None)
    if kind == "dataframe":  # the headers a table shows (its cells are the records')
        table = node.value  # type: ignore[attr-defined]
        yield from (str(c) for c in table.columns)
        yield from (str(n) for n in table.index.names if n is not None)
    elif kind == "vega_lite_chart":  # a chart's titles are in its spec
        yield node.proto.spec  # type: ignore[attr-defined]
    for child in getattr(node, "children", {}).values():
        yield from _shown(child)


def _texts(at: AppTest) -> list[str]:
    return [*_shown(at.sidebar), *_shown(at.main)]


@pytest.fixture
def app(seeded_store, monkeypatch) -> AppTest:
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    monkeypatch.delenv("MAPA_TEAM", raising=False)
    return AppTest.from_file(APP, default_timeout=90)


def _walk(app: AppTest, lang: str, city: str = "Gdańsk") -> Iterator[tuple[str, list[str]]]:
    """Run every page in ``lang``; yield each page's shown texts."""
    app.session_state["lang"] = lang
    app.session_state["city"] = city
    app.session_state["author"] = "Ala"
    at = app.run()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, f"{page} ({lang}, {city}): {at.exception}"
        texts = _texts(at)
        key, tabs = LAZY_TABS.get(page, (None, ()))
        for tab in tabs[1:]:  # the first is open already
            at.session_state[key] = translate(tab, lang)
            at.run()
            assert not at.exception, f"{page}, {tab} ({lang}, {city}): {at.exception}"
            texts += _texts(at)
        yield page, texts


#: Pages whose tabs run only when open: page → (the tabs' key, their Polish labels).
LAZY_TABS = {
    "pages/analiza.py": (
        "analysis_tab",
        ("📊 Wskaźniki dzielnic", "🚶 Zasięg (białe plamy)", "🔗 Potrzeby i zasoby"),
    ),
}


def _missing(seen: set[str]) -> str:
    return "Polish texts shown in English without an entry in mapping/english.toml:\n" + (
        "\n".join(sorted(seen))
    )


@pytest.mark.parametrize("city", ["Gdańsk", "Częstochowa"])
def test_every_page_in_english_has_every_text_translated(app, city):
    forget_misses()
    shown = dict(_walk(app, "en", city))
    assert not misses(), _missing(misses())
    # What bypassed tr: a Polish catalogue sentence shown as it is.
    polish = _sentences({p for p, e in catalogue().items() if p != e})
    leaked = {f"{page}: {s}" for page, texts in shown.items() for s in polish if _in(s, texts)}
    assert not leaked, "Shown in Polish on the English pages:\n" + "\n".join(sorted(leaked))


def test_every_page_in_polish_shows_no_english(app):
    forget_misses()
    shown = dict(_walk(app, "pl"))
    english = _sentences({e for p, e in catalogue().items() if p != e})
    leaked = {f"{page}: {s}" for page, texts in shown.items() for s in english if _in(s, texts)}
    assert not leaked, "English on the Polish pages:\n" + "\n".join(sorted(leaked))
    assert not misses()  # Polish is the source: nothing is ever missing


def _sentences(texts: set[str]) -> set[str]:
    """The fixed parts of templates long enough not to be a name ("Import", "Status")."""
    parts = {
        literal.strip(" *#—:·")
        for text in texts
        for literal, *_ in string.Formatter().parse(text)
        if literal
    }
    return {p for p in parts if len(p.split()) >= 3}


def _in(sentence: str, texts: list[str]) -> bool:
    return any(sentence in text for text in texts)


def test_the_english_walk_catches_a_text_without_an_entry(app, monkeypatch):
    # A throwaway page text nobody translated: the walk must name it.
    original = language.catalogue()
    without = {k: v for k, v in original.items() if k != "Pokaż także zarchiwizowane"}
    monkeypatch.setattr(language, "catalogue", lambda: without)
    forget_misses()
    app.session_state["lang"] = "en"
    at = app.run()
    at.switch_page("pages/dane.py").run()
    assert misses() == {"Pokaż także zarchiwizowane"}
    assert "Pokaż także zarchiwizowane" in _texts(at)  # shown in Polish meanwhile
    forget_misses()


def test_the_analysis_in_english_says_why_in_english(app):
    # The reasons are cells (the walk reads headers): gaps, candidates, idle resources.
    forget_misses()
    app.session_state["lang"] = "en"
    at = app.run()
    at.switch_page("pages/analiza.py").run()
    at.session_state["analysis_tab"] = translate("🔗 Potrzeby i zasoby", "en")
    at.run()
    assert not at.exception
    reasons: dict[str, list[str]] = {"Why": [], "Notes": []}
    for table in at.dataframe:
        for column, said in reasons.items():
            if column in table.value.columns:
                said.extend(str(v) for v in table.value[column])
    assert all(reasons.values()), reasons  # gaps (and candidates) say why, idle resources note
    said = [v for values in reasons.values() for v in values]
    assert all(v.startswith(("the same", "a related", "no ", "matches no")) for v in said), said
    assert not misses(), _missing(misses())


def test_the_edit_screen_in_english_asks_before_archiving(app, seeded_store):
    forget_misses()
    app.session_state["lang"] = "en"
    app.session_state["author"] = "Ala"
    at = app.run()
    at.switch_page("pages/edycja.py").run()
    record_id = seeded_store.read_layer("resources", city="Gdańsk").iloc[0]["id"]
    next(s for s in at.selectbox if s.label == "Entry").set_value(record_id).run()
    next(b for b in at.button if b.label == "🗄️ Archive").click().run()
    assert not at.exception
    assert any(w.value.startswith("Archive “") for w in at.warning)
    assert "Yes, archive" in [b.label for b in at.button]
    assert not misses(), _missing(misses())


def test_the_meeting_page_in_english_starts_a_meeting(app, seeded_store):
    forget_misses()
    app.session_state["lang"] = "en"
    app.session_state["author"] = "Ala"
    at = app.run()
    at.switch_page("pages/spotkanie.py").run()
    next(t for t in at.text_input if t.label == "Topic").set_value("Meeting in Stogi")
    next(b for b in at.button if b.label == "Start the meeting").click()
    at.run()
    assert not at.exception
    assert any(b.label == "◀ Back" for b in at.button)
    assert "Where?" in [s.label for s in at.selectbox]
    assert not misses(), _missing(misses())


def test_team_mode_sign_in_is_in_english(app, seeded_store, monkeypatch):
    from mapping.accounts import add_account

    add_account(seeded_store, "ala", "haslo-zespolu-2026", "administrator")
    monkeypatch.setenv("MAPA_TEAM", "1")
    forget_misses()
    app.session_state["lang"] = "en"
    at = app.run()
    assert not at.exception
    assert {"Login", "Password"} <= {t.label for t in at.text_input}
    assert not misses(), _missing(misses())


def test_a_bookmark_opens_in_its_language(app):
    app.query_params["lang"] = "en"  # nothing chosen yet: the address decides
    at = app.run()
    assert at.session_state["lang"] == "en"
    at.switch_page("pages/dane.py").run()
    assert at.title[0].value.startswith("Data — ")
    assert at.query_params.get("lang") == "en"


def test_the_switch_writes_its_choice_into_the_page_address(app):
    app.session_state["lang"] = "en"
    assert app.run().query_params.get("lang") == "en"


def test_polish_leaves_the_page_address_plain(seeded_store, monkeypatch):
    monkeypatch.setenv("MAPA_DB", str(seeded_store.path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.session_state["lang"] = "pl"  # the switch, clicked on a page opened in English
    at.run()
    assert "lang" not in at.query_params  # Polish is the default: no parameter
    at.switch_page("pages/dane.py").run()
    assert at.title[0].value.startswith("Dane — ")


def test_the_import_preview_and_save_in_english(app, seeded_store):
    # A district's OpenStreetMap places stand in for an upload (AppTest cannot upload).
    import json

    from mapping.ui.osm_fetch import OsmFile
    from tests.osm_fixtures import overpass_json

    content = json.dumps(overpass_json()).encode()
    forget_misses()
    app.session_state["lang"] = "en"
    app.session_state["author"] = "Ala"
    app.session_state["imp_osm_file"] = OsmFile(
        "osm-Stogi-1", "osm-stogi-2026-01-01.json", content, "Stogi", 5
    )
    at = app.run()
    at.switch_page("pages/import_danych.py").run()
    assert not at.exception
    assert "To save" in [m.label for m in at.metric]
    next(b for b in at.button if b.label == "💾 Save the import").click().run()
    assert not at.exception
    assert any(s.value.startswith("Saved: ") for s in at.success)
    assert not misses(), _missing(misses())


def test_the_export_in_english_offers_its_file(app):
    forget_misses()
    app.session_state["lang"] = "en"
    app.session_state["exp_fmt"] = "csv"
    at = app.run()
    at.switch_page("pages/eksport.py").run()
    next(b for b in at.button if b.label == "Prepare the file").click().run()
    assert not at.exception
    assert any(c.value.startswith("Size: ") for c in at.caption)
    assert not misses(), _missing(misses())


# -- the map and the exported map ------------------------------------------------------------

#: The map's own Polish words (legend, panel, popups' fixed texts, layer control).
MAP_POLISH = (
    "Legenda",
    "Kategorie",
    "Szukaj i filtruj",
    "Nazwa lub adres",
    "granica dzielnicy",
    "Źródła danych",
    "Brak podkładu",
    "brak daty weryfikacji",
    "stan na dzień",
    "Dane: ",
)


@pytest.mark.parametrize("city", ["Gdańsk", "Częstochowa"])
def test_the_exported_map_in_english_says_its_own_words_in_english(seeded_store, city):
    from mapping.export import ExportRequest, export

    forget_misses()
    page = export(seeded_store, "html", ExportRequest(city, lang="en")).data.decode("utf-8")
    assert not misses(), _missing(misses())
    assert '<html lang="en">' in page
    assert "Legend" in page and "Search and filter" in page and "as of" in page
    assert [w for w in MAP_POLISH if w in page] == []
    # The records stay as written: a Polish name is still there.
    assert "Gdańsk" in page or "Częstochowa" in page


def test_the_exported_map_in_polish_is_as_before(seeded_store):
    from mapping.export import ExportRequest, export

    page = export(seeded_store, "html", ExportRequest("Gdańsk")).data.decode("utf-8")
    assert '<html lang="pl">' in page
    assert all(w in page for w in ("Legenda", "Kategorie", "Szukaj i filtruj", "stan na dzień"))
    assert "Search and filter" not in page


def test_the_app_map_is_cached_per_language(app):
    # The same options in two languages are two maps (the key holds the language).
    app.session_state["lang"] = "en"
    at = app.run()
    assert not at.exception
    english = [c for c in at.get("component_instance")]
    assert english, "the map page shows its map"
    args = english[0].proto.json_args
    assert "Search and filter" in args and "Szukaj i filtruj" not in args


def test_a_message_given_as_a_value_is_said_in_the_same_language():
    from mapping.freshness import Freshness

    stale = Freshness(fresh=1, old=43, never=42).describe()
    text = translate("{stale} (na mapie przerywany obrys)", "en", stale=stale)
    assert text.startswith("not verified for over 12 months: 43 entries; never verified: 42")
    forget_misses()  # the template itself is a throwaway


def test_the_projector_map_in_english_says_its_own_words_in_english(seeded_store):
    from shapely.geometry import Point

    from mapping.meeting import SLIDES
    from mapping.webmap.meeting import meeting_map, pending_place

    names = ("resources", "needs", "actions", "partnerships")
    records = {name: seeded_store.read_layer(name, city="Gdańsk") for name in names}
    areas = seeded_store.read_layer("areas", city="Gdańsk")
    forget_misses()
    for slide in SLIDES:
        page = meeting_map(slide, areas, records, focus=None, lang="en").map.get_root().render()
        assert "Legend" in page, slide.key
        assert [w for w in MAP_POLISH if w in page] == [], slide.key
    place = pending_place(Point(18.6, 54.35), "en")
    assert place.layer_name == "Place of the next need"
    assert not misses(), _missing(misses())
