"""Record factories: valid records of each layer, with the fields a test cares about overridden."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point

__all__ = ["GDANSK_CENTRE", "need_values", "resource_values"]

GDANSK_CENTRE = Point(18.6466, 54.3520)


def resource_values(**overrides: Any) -> dict[str, Any]:
    """A valid resource (a library in Gdańsk) with ``overrides`` applied."""
    values: dict[str, Any] = {
        "name": "Biblioteka Dzielnicowa",
        "kind": "instytucja",
        "category": "kultura",
        "city": "Gdańsk",
        "status": "aktywny",
        "target_groups": ["dzieci", "seniorzy"],
        "geometry": GDANSK_CENTRE,
    }
    values.update(overrides)
    return values


def need_values(**overrides: Any) -> dict[str, Any]:
    """A valid open need with ``overrides`` applied."""
    values: dict[str, Any] = {
        "title": "Miejsce spotkań dla seniorów",
        "category": "miejsce_spotkan",
        "city": "Gdańsk",
        "status": "zgloszona",
        "target_groups": ["seniorzy"],
        "geometry": GDANSK_CENTRE,
    }
    values.update(overrides)
    return values


@dataclass
class Upload:
    """What ``st.file_uploader`` returns: a name, an id, the bytes."""

    name: str
    file_id: str
    data: bytes

    def getvalue(self) -> bytes:
        """The file's bytes, as Streamlit's ``UploadedFile.getvalue``."""
        return self.data
