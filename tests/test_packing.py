"""Packing a layer for the browser (``mapping.webmap.packing``)."""

from __future__ import annotations

import numpy as np
import pytest

from mapping.webmap.packing import _clean_lists, _encode, _encode_lists

_VALUES = [
    ["dzieci", "seniorzy"],
    None,
    [],
    ["dzieci", "seniorzy"],
    ("dzieci", "seniorzy"),  # a tuple is the same list
    "młodzież;rodziny",  # a list still as the file's text
    [" ", ""],  # cleans to nothing: a blank
    ["dzieci", None],
    float("nan"),
]


@pytest.mark.parametrize("repeat", [1, 3])
def test_list_columns_encode_as_row_by_row_cleaning_does(repeat: int) -> None:
    values = np.empty(len(_VALUES) * repeat, dtype=object)
    values[:] = _VALUES * repeat
    assert _encode_lists(values) == _encode(_clean_lists(values), True)


def test_a_list_column_without_a_value_is_left_out() -> None:
    values = np.empty(3, dtype=object)
    values[:] = [None, [], [" "]]
    assert _encode_lists(values) == {}
