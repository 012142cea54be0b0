"""``collector_paused`` holds the cyclic collector back only inside its block."""

from __future__ import annotations

import gc

import pytest

from mapping.collector import collector_paused


def test_the_collector_runs_again_after_a_pause_even_one_that_failed() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer pause turns it back on
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("przerwane")
    assert gc.isenabled()


def test_a_pause_leaves_a_collector_turned_off_by_someone_else_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
