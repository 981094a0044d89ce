"""Pausing the collector while lasting objects are built: restored as found, cycles still freed."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from therapy_lookup.collector import paused_collector, pausing_collector


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:  # pragma: no cover - the suite runs with the collector on
        gc.disable()


def test_paused_inside_and_restored_after(collector_on: None) -> None:
    with paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_restored_after_an_error(collector_on: None) -> None:
    with pytest.raises(ZeroDivisionError), paused_collector():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_left_off_when_it_was_off(collector_on: None) -> None:
    gc.disable()
    try:
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_nested_pauses_restore_once(collector_on: None) -> None:
    with paused_collector():
        with paused_collector():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one found it off
    assert gc.isenabled()


def test_the_decorator_pauses_each_call(collector_on: None) -> None:
    @pausing_collector
    def build(n: int) -> tuple[bool, int]:
        """Doc kept."""
        return gc.isenabled(), n

    assert build(3) == (False, 3)
    assert gc.isenabled()
    assert build.__doc__ == "Doc kept."


def test_cycles_made_while_paused_are_still_collected(collector_on: None) -> None:
    class Node:
        other: object

    with paused_collector():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
    gc.collect()  # (whether a collection ran meanwhile is the collector's business)
    assert gone() is None


def test_objects_frozen_by_the_process_stay_frozen(collector_on: None) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with paused_collector():
            [[] for _ in range(100)]
        assert gc.get_freeze_count() == frozen  # not thawed by the pause
    finally:
        gc.unfreeze()


def test_the_package_import_leaves_the_collector_on() -> None:
    import subprocess
    import sys

    code = "import gc, therapy_lookup; print(gc.isenabled(), gc.get_freeze_count())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "0"]
    code = "import gc; gc.disable(); import therapy_lookup; print(gc.isenabled())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
