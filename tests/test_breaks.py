"""Class breaks in numpy (mapping.webmap.breaks) against mapclassify, the field's reference."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from mapping.webmap.breaks import fisher_jenks, quantiles

mapclassify = pytest.importorskip("mapclassify")


def _squared_error(values: np.ndarray, classes: np.ndarray) -> float:
    return float(sum(((values[classes == c] - values[classes == c].mean()) ** 2).sum()
                     for c in np.unique(classes)))  # fmt: skip


def _fixtures(kind: str, count: int = 200) -> list[tuple[np.ndarray, int]]:
    rng = np.random.default_rng(14)
    cases = []
    while len(cases) < count:
        n, k = int(rng.integers(6, 60)), int(rng.integers(2, 6))
        values = rng.gamma(2, 10, n) if kind == "real" else rng.integers(0, 30, n).astype(float)
        if len(np.unique(values)) > k:
            cases.append((values, k))
    return cases


def _reference(name: str, values: np.ndarray, k: int) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed"
        return getattr(mapclassify, name)(values, k=k).yb


def test_natural_breaks_are_mapclassifys_for_real_values():
    # Distinct real values: the optimal partition is unique, so the classes are the same.
    for values, k in _fixtures("real"):
        assert np.array_equal(fisher_jenks(values, k), _reference("FisherJenks", values, k))


def test_natural_breaks_are_as_good_as_mapclassifys_with_ties():
    # Integers with ties may allow two optimal partitions: the error is the same.
    for values, k in _fixtures("integers"):
        ours, theirs = fisher_jenks(values, k), _reference("FisherJenks", values, k)
        assert _squared_error(values, ours) == pytest.approx(_squared_error(values, theirs))
        assert len(np.unique(ours)) == len(np.unique(theirs))


@pytest.mark.parametrize("kind", ["real", "integers"])
def test_quantiles_are_mapclassifys(kind):
    for values, k in _fixtures(kind):
        assert np.array_equal(quantiles(values, k), _reference("Quantiles", values, k))


def test_classes_run_upwards_from_zero():
    values = np.array([1.0, 50, 2, 51, 3, 100, 99])
    assert fisher_jenks(values, 3).tolist() == [0, 1, 0, 1, 0, 2, 2]
