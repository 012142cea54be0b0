"""``Batch.create_many`` (an import's new rows) stores what ``create`` would, in both backends."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from mapping.errors import MapError
from mapping.store import Store
from tests.factories import resource_values


def test_create_many_stores_each_record_with_one_history_row(each_store: Store) -> None:
    many = [
        resource_values(name=f"Klub {i}", target_groups=["dzieci"], geometry=Point(18.6, 54.3 + i))
        for i in range(3)
    ]
    with each_store.batch("ala", note="import") as b:
        created = b.create_many("resources", many)
    frame = each_store.read_layer("resources")
    assert list(frame["name"]) == ["Klub 0", "Klub 1", "Klub 2"]
    assert [r["id"] for r in created] == list(frame["id"])
    assert all(r["version"] == 1 and r["author"] == "ala" for r in created)
    assert list(frame["target_groups"]) == [["dzieci"]] * 3
    history = each_store.history("resources")
    assert sorted(history["record_id"]) == sorted(r["id"] for r in created)
    assert set(history["action"]) == {"create"} and set(history["note"]) == {"import"}
    assert each_store.undo_batch(history["batch_id"].iloc[0], author="ala") == 3
    assert each_store.read_layer("resources").empty


def test_create_many_with_one_invalid_record_stores_none(each_store: Store) -> None:
    many = [resource_values(name="Dobry"), resource_values(name="Zły", kind="nie ma takiego")]
    with pytest.raises(MapError, match="nie ma takiego"), each_store.batch("ala") as b:
        b.create_many("resources", many)
    assert each_store.read_layer("resources").empty
    assert each_store.history().empty
