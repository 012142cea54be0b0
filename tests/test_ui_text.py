"""User text shown by Streamlit goes through one escaping path (``mapping.ui.text``).

Two guards: ``md``/``escape`` leave no live markup for any hostile string,
and a lint over ``pages/`` and ``mapping/ui/`` finds every Streamlit call
that renders markdown and checks that each value put into its text is
escaped, or is a program value listed below with the reason it is safe.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapping.ui.text import WORD_JOINER, escape, md
from tests.hostile.fixtures import HOSTILE_CITIES
from tests.hostile.markup import live_markup
from tests.hostile.strings import HOSTILE

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    [REPO / "app.py", *(REPO / "pages").glob("*.py"), *(REPO / "mapping/ui").glob("*.py")]
)

#: Streamlit calls whose text (first argument, ``label``, ``body``, ``help`` …) is markdown.
MARKDOWN_CALLS = frozenset(
    "title header subheader markdown write caption info success warning error exception toast "
    "expander popover tabs button download_button form_submit_button link_button page_link "
    "metric checkbox toggle radio selectbox multiselect text_input text_area number_input "
    "date_input time_input slider select_slider segmented_control pills file_uploader "
    "color_picker spinner progress status _notify".split()
)
#: Of those, the ones whose options (``format_func``'s output) are markdown as well.
MARKDOWN_OPTIONS = frozenset({"radio", "segmented_control", "pills"})
TEXT_KEYWORDS = frozenset({"label", "body", "help", "text", "caption", "captions"})
ESCAPERS = frozenset({"md", "escape"})
#: Calls that make text from numbers and the schema's words only ("5 spotkań").
SAFE_CALLS = frozenset({"with_count", "len", "label_of", "choice_of", "count_of"})
#: The translation call (``mapping.ui.i18n.tr``): its template comes from the program
#: (and the catalogue), and each value put into it is checked like any other part.
TRANSLATE = "tr"
#: Objects with a method of the same name that are not Streamlit's.
NOT_STREAMLIT = frozenset({"file"})

#: Program values put into markdown unescaped, each safe for the reason given.
SAFE_VALUES = {
    # numbers and counts
    "distance", "len(holes)", "len(idle)", "len(frame)", "len(stale)", "len(missing)",
    "len(incomplete)", "len(raised)", "len(result.created)", "len(result.updated)",
    "result.skipped", "len(result.incomplete)", "slide_no + 1", "len(meeting.SLIDES)",
    "stale", "row.row", "conflict['row']", "report['accepted']", "len(report['rejected_rows'])",
    "len(report['duplicates'])", "report['unlocated']", "report['incomplete']",
    # identifiers the app makes (hex numbers)
    "result.batch_id",
    # the schema's and the app's own labels and sentences
    "ctx.audience.label", "audience.label", "composition_sentence(counts)",
    "' · '.join(built.counts.values())", "slide.prompt", "hint", "ROLE_LABELS[session.role]",
    "ui.label_of(f).lower()", "label", "spec.label", "success", "submit_label", "_help(f)",
    "OSM_CREDIT", "counts.describe(layer.count_forms)", "kept.places",
    "INDICATOR_LABELS[c][0]", "statuses[s]", "a.version_label", "audience.version_label",
    "parts.kind", "f.help", "ui.CHOOSE", "CHOOSE", "SWITCH_LABEL",
    # the store's own values: a timestamp, a version number, a count
    "current['updated_at'][:16].replace('T', ' ')", "version", "len(record_ids)",
    "result.unchanged", "ui.tr(parts.kind).capitalize()",  # a count; "arkusz"/"warstwa"/…
    "chosen.y", "chosen.x",  # a picked point's coordinates
}  # fmt: skip
#: Values safe in one file only, for the reason given.
SAFE_IN_FILE = {
    "mapping/ui/paging.py": {
        "start", "pages", "page_size",  # page numbers and sizes
    },
    "mapping/ui/meeting.py": {
        "number",  # the slide's index
        "needs",  # a count of records
    },
    "mapping/ui/editor.py": {
        "title",  # md() where it is assigned (``_done``)
        "_where(layer, saved)",  # escapes the district it names
        "what", "opened",  # the editor's own sentences
        "saved['version']", "_records(changed, _RECORDS)",  # numbers
        "question.text", "question.yes",  # confirmations made with md(title) where asked
    },
}  # fmt: skip
#: ``format_func`` of radios, pills and segmented controls: they show program labels only.
SAFE_FORMATTERS = {
    "lambda name: ui.label_of(LAYERS[name])", "lambda a: ui.tr(a.version_label)",
    "lambda t: ui.tr(tile_label(t))", "lambda t: tr(tile_label(t))",
    "lambda s: ui.tr(STYLES[s].label)", "lambda o: ui.tr(ORIENTATIONS[o])",
    "lambda f: ui.tr(FORMAT_LABELS[f])", "lambda name: ui.tr(IMPORT_LAYER_LABELS[name])",
    "lambda d: ui.tr(DECISION_LABELS[d])", "lambda c: choice_of(groups, c)",
    "lambda d: f'{d} m'", "lambda a: tr(Audience(a).label)", "lambda t: tr(TILES[t].short_label)",
    "LANGUAGES.__getitem__",
}  # fmt: skip


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _parts(node: ast.expr) -> list[ast.expr] | None:
    """The sub-expressions whose text ends up in the string, or None for a leaf."""
    if isinstance(node, ast.JoinedStr):  # a format spec ({n:.0f}) means a number
        return [
            p.value for p in node.values if isinstance(p, ast.FormattedValue) and not p.format_spec
        ]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.IfExp):
        return [node.body, node.orelse]
    if isinstance(node, ast.BoolOp):
        return list(node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return list(node.elts)
    return None


def _unsafe(node: ast.expr) -> Iterator[str]:
    """The parts of ``node`` that may carry unescaped user text."""
    if isinstance(node, ast.Constant) or ast.unparse(node) in SAFE_VALUES:
        return
    if isinstance(node, ast.Call) and _name(node.func) in ESCAPERS | SAFE_CALLS:
        return
    if isinstance(node, ast.Call) and _name(node.func) == TRANSLATE:
        for part in [*node.args, *(k.value for k in node.keywords)]:
            yield from _unsafe(part)
        return
    parts = _parts(node)
    if parts is None:
        yield ast.unparse(node)
        return
    for part in parts:
        yield from _unsafe(part)


def _texts(call: ast.Call, name: str) -> Iterator[ast.expr]:
    if name == "write":
        yield from call.args
    elif name == "_notify":  # the record editor's message, shown on the next run
        yield call.args[1]
    elif call.args and name != "progress":
        yield call.args[0]
    yield from (k.value for k in call.keywords if k.arg in TEXT_KEYWORDS)


def _findings(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = _name(call.func)
        if name not in MARKDOWN_CALLS or not isinstance(call.func, ast.Attribute):
            continue
        if ast.unparse(call.func.value) in NOT_STREAMLIT:
            continue
        relative = path.relative_to(REPO).as_posix()
        where = f"{relative}:{call.lineno} st.{name}"
        local = SAFE_IN_FILE.get(relative, set())
        for text in _texts(call, name):
            yield from (f"{where}: {part}" for part in _unsafe(text) if part not in local)
        if name in MARKDOWN_OPTIONS:
            for k in call.keywords:
                if k.arg == "format_func" and ast.unparse(k.value) not in SAFE_FORMATTERS:
                    yield f"{where}: format_func {ast.unparse(k.value)}"


def test_pages_and_ui_show_no_unescaped_user_text_as_markdown():
    findings = [f for path in SOURCES for f in _findings(path)]
    assert not findings, (
        "Text that may come from the user goes through ui.md (markdown) or ui.escape "
        "(HTML); a program value goes into SAFE_VALUES with its reason:\n" + "\n".join(findings)
    )


def _without_polish_placeholder(path: Path) -> Iterator[str]:
    """Select boxes left with Streamlit's English "Choose an option"."""
    for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr in {"selectbox", "multiselect"}
            and not any(k.arg == "placeholder" for k in call.keywords)
        ):
            yield f"{path.relative_to(REPO)}:{call.lineno} {call.func.attr}"


def test_every_select_box_says_choose_in_polish():
    # Streamlit shows its English placeholder as soon as the box is cleared to type.
    missing = [f for path in SOURCES for f in _without_polish_placeholder(path)]
    assert not missing, "Pass placeholder=ui.CHOOSE:\n" + "\n".join(missing)


def test_the_lint_catches_a_raw_city_in_a_title(tmp_path):
    page = tmp_path / "strona.py"
    page.write_text(
        "st.title(f'Mapa — {ctx.city}')\n"
        "st.title(f'Mapa — {ui.md(ctx.city)}')\n"
        "cols[0].button(record['name'])\n"
        "st.radio('x', names, format_func=lambda n: n)\n",
        encoding="utf-8",
    )
    global REPO
    saved, REPO = REPO, tmp_path
    try:
        findings = list(_findings(page))
    finally:
        REPO = saved
    assert findings == [
        "strona.py:1 st.title: ctx.city",
        "strona.py:3 st.button: record['name']",
        "strona.py:4 st.radio: format_func lambda n: n",
    ]


@pytest.mark.parametrize("text", [*HOSTILE, *HOSTILE_CITIES])
def test_md_leaves_no_live_markup(text):
    assert live_markup(f"**Nazwa:** {md(text)}") == []


@pytest.mark.parametrize("text", [*HOSTILE, *HOSTILE_CITIES])
def test_escape_leaves_no_live_markup_inside_html(text):
    source = f"<h1 class='slide-title'>1/5 · {escape(text)}</h1>"
    assert live_markup(source, allow_html=True) == []


def test_the_checker_sees_what_streamlit_would_link():
    assert live_markup("![x](http://203.0.113.1/a.png)")
    assert live_markup("zobacz http\\://203.0.113.1/h")  # escapes do not stop autolinks
    assert live_markup("www\\.example\\.org")
    assert live_markup("&#91;x&#93;&#40;http&#58;//a.b&#41;")  # references decode to a URL
    assert live_markup("<img src=x>")
    assert not live_markup("Zwykła nazwa: Dom Kultury „Zorza” (Wrzeszcz)")


def test_md_keeps_the_text_as_typed():
    text = "Fundusz $^$ — [ul. Długa 5] (ok. 50 m) #1 *nowy*"
    unescaped = md(text).replace("\\", "")
    assert unescaped == text
    assert md(f"http://{HOSTILE_CITIES[0]}").replace("\\", "").replace(WORD_JOINER, "") == (
        f"http://{HOSTILE_CITIES[0]}"
    )
    assert md(None) == ""
