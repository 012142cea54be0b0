"""Helpers on record frames (``mapping.frames``)."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.frames import texts_in


@pytest.mark.parametrize("dtype", ["str", object, "string"])
@pytest.mark.parametrize("wanted", [[], ["a"], ["a", "c", "zzz"], [None, "b"]])
def test_texts_in_answers_as_isin_on_every_kind_of_text_column(
    dtype: object, wanted: list[str | None]
) -> None:
    column = pd.Series(["a", None, "b", "c", "a"], dtype=dtype)  # type: ignore[call-overload]
    expected = column.isin([w for w in wanted if isinstance(w, str)]).to_numpy(dtype=bool)
    assert texts_in(column, wanted).tolist() == expected.tolist()  # type: ignore[arg-type]
