"""Class breaks of a choropleth: Fisher–Jenks natural breaks and quantiles, in numpy.

The same classes as mapclassify's ``FisherJenks`` and ``Quantiles``
(``tests/test_breaks.py`` compares them on random values; where tied values
allow two equally good natural breaks, either may be chosen), without its
import: mapclassify loads scikit-learn and scipy.stats at import, 110 MB of
the server's memory and more than a second of its start, to classify the
few dozen districts of a city.

Each function returns the class of every value (0 = lowest), as
mapclassify's ``yb``: a value belongs to the first class whose upper bound
is not below it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fisher_jenks", "quantiles"]


def fisher_jenks(values: np.ndarray, k: int) -> np.ndarray:
    """Classes of the partition of sorted ``values`` into ``k`` runs with the least squared error.

    Fisher's (1958) exact dynamic programme: ``cost[c, j]`` is the least sum
    of squared deviations of the first ``j`` sorted values in ``c + 1``
    classes; each step tries every start of the last class at once (numpy),
    from prefix sums.  O(k·n²) arithmetic for n values.
    """
    y = np.asarray(values, dtype=float)
    x = np.sort(y)
    n = len(x)
    k = min(k, n)
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def spread(starts: np.ndarray, end: int) -> np.ndarray:
        # Squared deviations of x[start:end] for each start (end exclusive).
        size = end - starts
        total = s1[end] - s1[starts]
        return (s2[end] - s2[starts]) - total * total / size

    cost = np.full((k, n + 1), np.inf)
    start = np.zeros((k, n + 1), dtype=int)
    ends = np.arange(1, n + 1)
    cost[0, 1:] = (s2[ends] - s2[0]) - (s1[ends] - s1[0]) ** 2 / ends  # one class: x[:j]
    for c in range(1, k):
        for j in range(c + 1, n + 1):
            starts = np.arange(c, j)  # the last class is x[i:j], the c before it fill x[:i]
            total = cost[c - 1, starts] + spread(starts, j)
            best = int(np.argmin(total))  # ties: equally good partitions, the first wins
            cost[c, j], start[c, j] = total[best], starts[best]
    uppers = []
    end = n
    for c in range(k - 1, -1, -1):
        uppers.append(x[end - 1])
        end = start[c, end] if c else 0
    bins = np.array(uppers[::-1])
    return np.searchsorted(bins, y, side="left")


def quantiles(values: np.ndarray, k: int) -> np.ndarray:
    """Classes by the ``k`` quantiles of ``values`` (interpolated; repeated bounds merged)."""
    y = np.asarray(values, dtype=float)
    # The percentiles exactly as mapclassify steps to them (a value on a bound
    # falls in the lower class, so the last digit of a percentile matters).
    step = 100.0 / k
    percents = np.arange(step, 100 + step, step)
    percents[-1] = min(percents[-1], 100.0)
    bins = np.unique(np.percentile(y, percents))
    return np.searchsorted(bins, y, side="left")
