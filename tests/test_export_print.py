"""The printed map: page sizes, PDF pages, a true scale bar, cities without polygons."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from PIL import Image
from shapely.geometry import box

from mapping.export import ExportRequest, export, export_frames
from mapping.export.printing import page_pixels, render_map
from mapping.language import forget_misses, misses
from mapping.store import GeoPackageStore
from tests.export_fixtures import CITY, fill_store

DAY = date(2025, 3, 1)


@pytest.fixture
def filled(store: GeoPackageStore) -> GeoPackageStore:
    fill_store(store)
    return store


def _png(store: GeoPackageStore, city: str = CITY, **options) -> Image.Image:
    data = export(store, "png", ExportRequest(city, as_of=DAY, **options)).data
    assert data.startswith(b"\x89PNG")
    return Image.open(io.BytesIO(data))


def test_a4_png_at_300_dpi_has_the_page_size(filled):
    image = _png(filled, orientation="portrait")
    assert image.size == (2480, 3508)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


@pytest.mark.parametrize(
    ("paper", "orientation", "dpi", "size"),
    [
        ("A4", "landscape", 150, (1754, 1240)),
        ("A3", "portrait", 100, (1169, 1654)),
    ],
)
def test_png_sizes(filled, paper, orientation, dpi, size):
    assert page_pixels(paper, orientation, dpi) == size
    assert _png(filled, paper=paper, orientation=orientation, dpi=dpi).size == size


@pytest.mark.parametrize(
    ("paper", "orientation", "points"),
    [("A4", "portrait", (595.28, 841.89)), ("A3", "landscape", (1190.55, 841.89))],
)
def test_pdf_is_one_page_of_the_paper_size(filled, paper, orientation, points):
    data = export(
        filled, "pdf", ExportRequest(CITY, paper=paper, orientation=orientation, as_of=DAY)
    ).data
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None
    assert (float(box[1]), float(box[2])) == pytest.approx(points, abs=0.5)


def test_city_without_district_polygons_prints(filled):
    image = _png(filled, city="Częstochowa", dpi=72)
    assert image.size == page_pixels("A4", "portrait", 72)
    frames = export_frames(filled, "Częstochowa")
    figure = render_map(frames, ExportRequest("Częstochowa", as_of=DAY, dpi=72))
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "nie mają granic" in texts


def test_district_and_team_print(filled):
    image = _png(filled, district="Oliwa", audience="team", dpi=72, orientation="landscape")
    assert image.size == page_pixels("A4", "landscape", 72)


def _scale_bar(figure) -> tuple[float, str]:
    """Length of the scale bar in map units and its label."""
    ax = figure.axes[0]
    segments = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_zorder() == 9]
    label = next(t.get_text() for t in ax.texts if t.get_text().endswith(("km", " m")))
    return sum(p.get_width() for p in segments), label


def test_scale_bar_is_true_in_metres(filled):
    frames = export_frames(filled, CITY)
    figure = render_map(frames, ExportRequest(CITY, as_of=DAY, dpi=72))
    ax = figure.axes[0]
    assert ax.get_aspect() == 1.0  # EPSG:2180: metres both ways
    length, label = _scale_bar(figure)
    value, unit = label.split()
    metres = float(value.replace(",", ".")) * (1000 if unit == "km" else 1)
    assert length == pytest.approx(metres)
    # The test city is ~6.5 km wide: the bar is a round 1 or 2 km.
    assert label in ("1 km", "2 km")
    xmin, xmax = ax.get_xlim()
    assert 400_000 < xmin < xmax < 600_000  # PUWG 1992 eastings around Gdańsk


def test_title_date_legend_and_attribution(filled):
    frames = export_frames(filled, CITY)
    figure = render_map(frames, ExportRequest(CITY, as_of=DAY, dpi=72))
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "Mapa zasobów i potrzeb — Gdańsk" in texts
    assert "stan na dzień 01.03.2025" in texts
    assert "© OpenStreetMap contributors (ODbL)" in texts
    assert "przykład" in texts  # the sample record is announced
    legend_texts = " ".join(
        t.get_text() for legend in figure.axes[1].artists for t in legend.get_texts()
    )
    assert "Kultura i biblioteki" in legend_texts
    assert "potrzeba" in legend_texts


def test_city_without_any_location_prints(store):
    store.create("partnerships", {"name": "Partnerstwo", "city": "Pustków"}, author="test")
    figure = render_map(
        export_frames(store, "Pustków"), ExportRequest("Pustków", as_of=DAY, dpi=72)
    )
    assert "Brak wpisów z lokalizacją." in [t.get_text() for t in figure.axes[0].texts]
    assert export(store, "pdf", ExportRequest("Pustków")).data.startswith(b"%PDF")


def test_districts_without_population_get_a_plain_fill_and_a_note(store):
    square = box(19.10, 50.78, 19.20, 50.84)
    store.create(
        "areas",
        {"name": "Raków", "kind": "dzielnica", "city": "Częstochowa", "geometry": square},
        author="test",
    )
    figure = render_map(
        export_frames(store, "Częstochowa"), ExportRequest("Częstochowa", as_of=DAY, dpi=72)
    )
    texts = " ".join(t.get_text() for t in figure.texts)
    assert "Brak danych o liczbie mieszkańców" in texts


# --- labels that read: no overlapping names, numbered symbols with their index ---------


def _texts_with_gid(figure, gid_prefix: str):
    return [t for t in figure.findobj(Text) if (t.get_gid() or "").startswith(gid_prefix)]


def _seeded_figure(seeded_store, city: str, **options):
    from mapping.export.printing import _render

    return _render(export_frames(seeded_store, city), ExportRequest(city, as_of=DAY, **options))


def test_no_two_district_names_overlap_on_the_printed_gdansk(seeded_store):
    figure, *_ = _seeded_figure(seeded_store, "Gdańsk", dpi=100)
    renderer = figure.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in _texts_with_gid(figure, "district-label")]
    assert len(boxes) >= 30  # of the 35 districts, nearly all are named
    overlapping = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if a.overlaps(b)]
    assert overlapping == []


def test_every_symbol_has_its_number_and_the_index_names_it(seeded_store):
    figure, entries, index, _ = _seeded_figure(seeded_store, "Gdańsk", dpi=72)
    numbers = {int(t.get_text()): t.xy for t in _texts_with_gid(figure, "number-")}
    assert sorted(numbers) == [e.number for e in entries] == list(range(1, len(entries) + 1))
    for entry in entries:
        assert numbers[entry.number] == pytest.approx((entry.x, entry.y))
    index_text = "\n".join(t.get_text() for t in _texts_with_gid(figure, "print-index"))
    shown = entries[: index.shown]
    assert all(f"{e.number}. " in index_text for e in shown)
    assert "Biblioteka" in index_text
    if not index.complete:
        assert f"i {len(entries) - index.shown} dalszych" in index_text


def test_the_pdf_lists_the_whole_index_on_further_pages(seeded_store):
    data = export(seeded_store, "pdf", ExportRequest("Gdańsk", as_of=DAY, dpi=72)).data
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    _, _, index, _ = _seeded_figure(seeded_store, "Gdańsk", dpi=72)
    assert index.complete == (pages == 1)


def test_auto_orientation_follows_the_shape_of_the_map(store):
    from mapping.export.printing import chosen_orientation

    for name, shape, expected in [
        ("Szeroko", box(18.50, 54.30, 18.80, 54.40), "landscape"),
        ("Wysoko", box(18.50, 54.30, 18.55, 54.45), "portrait"),
    ]:
        store.create(
            "areas", {"name": name, "kind": "miasto", "city": name, "geometry": shape}, author="t"
        )
        request = ExportRequest(name, as_of=DAY)
        assert chosen_orientation(export_frames(store, name), request) == expected
        forced = ExportRequest(name, as_of=DAY, orientation="portrait")
        assert chosen_orientation(export_frames(store, name), forced) == "portrait"


# --- in English -------------------------------------------------------------------------

#: The printed page's own Polish words (title, date line, legend, index, footer).
PRINT_POLISH = (
    "Mapa zasobów i potrzeb",
    "stan na dzień",
    "wersja publiczna",
    "Kategorie (kolor symbolu)",
    "Symbole",
    "potrzeba",
    "Wykaz symboli",
    "Źródła danych",
    "Opracowano w aplikacji",
)


def _page_texts(figure) -> str:
    return "\n".join(t.get_text() for t in figure.findobj(Text))


def test_the_printed_map_in_english_says_its_own_words_in_english(seeded_store):
    forget_misses()
    figure, *_ = _seeded_figure(seeded_store, "Gdańsk", dpi=72, lang="en")
    texts = _page_texts(figure)
    assert "Map of resources and needs — Gdańsk" in texts
    assert "as of 01.03.2025 · public version" in texts  # the date stays as Poles write it
    legend = [t.get_text() for legend in figure.axes[1].artists for t in legend.get_texts()]
    titles = [legend.get_title().get_text() for legend in figure.axes[1].artists]
    assert {"Culture and libraries", "need"} <= set(legend)
    assert "Symbols" in titles and "Resources per 1000 residents" in titles
    assert "Index of symbols (the numbers on the map)" in texts
    assert "Data sources: " in texts and "Made with the" in texts
    assert [w for w in PRINT_POLISH if w in texts] == []
    assert "Biblioteka" in texts  # the records' names stay as written
    assert not misses()


def test_png_and_pdf_exports_in_english_miss_no_catalogue_entry(seeded_store):
    forget_misses()
    request = ExportRequest("Gdańsk", as_of=DAY, dpi=72, lang="en")
    png = Image.open(io.BytesIO(export(seeded_store, "png", request).data))
    assert png.info["Title"] == "Map of resources and needs — Gdańsk"
    assert png.info["Software"] == "Map of resources and needs"
    assert export(seeded_store, "pdf", request).data.startswith(b"%PDF")
    assert not misses()


def test_a_city_without_district_polygons_is_noted_in_english(filled):
    forget_misses()
    frames = export_frames(filled, "Częstochowa")
    figure = render_map(frames, ExportRequest("Częstochowa", as_of=DAY, dpi=72, lang="en"))
    assert "This city's districts have no boundaries on the map" in _page_texts(figure)
    assert not misses()


def test_the_printed_map_in_polish_keeps_its_polish_words(seeded_store):
    figure, *_ = _seeded_figure(seeded_store, "Gdańsk", dpi=72)
    texts = _page_texts(figure)
    assert all(w in texts for w in PRINT_POLISH)
