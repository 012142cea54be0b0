"""Coordinates: numbers as people write them, CRS detection, swapped axes, place checks."""

from __future__ import annotations

import pytest
from pyproj import Transformer
from shapely.geometry import Point, box

from mapping.errors import MapError
from mapping.importing.coordinates import parse_coordinate, place_geometries, split_pair

CZESTOCHOWA = (19.1203, 50.8118)  # lon, lat of the Jasna Góra area
OUTLINE = box(18.98, 50.72, 19.27, 50.89)


def _projected(crs: str, lon: float, lat: float) -> tuple[float, float]:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("50,8118", 50.8118),
        (" 50.8118 ", 50.8118),
        ("50.8118°", 50.8118),
        ("50°48'42.5\"N", 50 + 48 / 60 + 42.5 / 3600),
        ("19°07′13″ E", 19 + 7 / 60 + 13 / 3600),
        ("506 123,5", 506123.5),
        (19.12, 19.12),
        ("", None),
        (None, None),
    ],
)
def test_parse_coordinate(text: object, value: float | None) -> None:
    assert parse_coordinate(text) == (pytest.approx(value) if value is not None else None)


def test_parse_coordinate_rejects_text() -> None:
    with pytest.raises(ValueError, match="nie jest współrzędną"):
        parse_coordinate("koło kościoła")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50.8118, 19.1203", ("50.8118", "19.1203", False)),
        ("50,8118; 19,1203", ("50,8118", "19,1203", False)),
        ("50,8118 19,1203", ("50,8118", "19,1203", False)),
        ("POINT (19.1203 50.8118)", ("19.1203", "50.8118", True)),
    ],
)
def test_split_pair(text: str, expected: tuple) -> None:
    assert split_pair(text) == expected


def test_split_pair_rejects_one_number() -> None:
    with pytest.raises(ValueError, match="dwóch liczb"):
        split_pair("50.81")


def test_wgs84_kept_and_row_swapped_by_hand_fixed() -> None:
    lon, lat = CZESTOCHOWA
    placed = place_geometries([Point(lon, lat), Point(lat, lon), None], [2, 3, 4])
    assert placed.crs == "EPSG:4326"
    assert placed.geometries[0].equals(Point(lon, lat))
    assert placed.geometries[1].equals(Point(lon, lat))
    assert placed.geometries[2] is None
    assert "zamienione" in placed.warnings[1][0].message
    assert (placed.warnings[1][0].row, 0 in placed.warnings) == (3, False)


def test_whole_file_swapped_gives_one_file_note() -> None:
    lon, lat = CZESTOCHOWA
    placed = place_geometries([Point(lat, lon), Point(lat + 0.01, lon)], [2, 3])
    assert placed.geometries[0].equals(Point(lon, lat))
    assert not placed.warnings
    assert any("w całym pliku" in n for n in placed.file_notes)


def test_puwg_1992_detected_and_transformed() -> None:
    x, y = _projected("EPSG:2180", *CZESTOCHOWA)
    placed = place_geometries([Point(x, y)], [2], outline=OUTLINE, city="Częstochowa")
    assert placed.crs == "EPSG:2180"
    point = placed.geometries[0]
    assert (point.x, point.y) == pytest.approx(CZESTOCHOWA, abs=1e-7)
    assert "PUWG 1992" in placed.file_notes[0]


def test_puwg_1992_with_surveyors_xy_order_uses_the_city() -> None:
    """Geodesists write X = northing; the city outline decides the order."""
    easting, northing = _projected("EPSG:2180", *CZESTOCHOWA)
    placed = place_geometries([Point(northing, easting)], [2], outline=OUTLINE, city="Częstochowa")
    assert (placed.geometries[0].x, placed.geometries[0].y) == pytest.approx(CZESTOCHOWA, abs=1e-7)


@pytest.mark.parametrize("northing_first", [False, True])
def test_puwg_2000_zone_6(northing_first: bool) -> None:
    easting, northing = _projected("EPSG:2177", *CZESTOCHOWA)
    assert 6_400_000 < easting < 6_600_000
    point = Point(northing, easting) if northing_first else Point(easting, northing)
    placed = place_geometries([point], [2])
    assert placed.crs == "EPSG:2177"
    assert (placed.geometries[0].x, placed.geometries[0].y) == pytest.approx(CZESTOCHOWA, abs=1e-7)


def test_given_crs_is_used() -> None:
    x, y = _projected("EPSG:2177", *CZESTOCHOWA)
    placed = place_geometries([Point(x, y)], [2], crs="epsg:2177")
    assert placed.crs == "EPSG:2177"
    with pytest.raises(MapError, match="nieznany układ"):
        place_geometries([Point(x, y)], [2], crs="EPSG:999999")


def test_outside_poland_rejected_outside_city_warned() -> None:
    berlin, gdansk = Point(13.40, 52.52), Point(18.65, 54.35)
    placed = place_geometries(
        [Point(*CZESTOCHOWA), berlin, gdansk], [2, 3, 4], outline=OUTLINE, city="Częstochowa"
    )
    assert placed.geometries[1] is None
    assert placed.rejected[1].row == 3
    assert "poza Polską" in placed.rejected[1].message
    assert placed.geometries[2] is not None
    assert placed.warnings[2][0].message == "punkt leży poza granicami miasta Częstochowa"
    assert 0 not in placed.warnings


def test_unknown_magnitudes_rejected() -> None:
    placed = place_geometries([Point(12_345_678, 98_765_432)], [2])
    assert "nie rozpoznano układu" in placed.rejected[0].message
