"""Every public name of the package imports and is documented."""

from __future__ import annotations

import therapy_lookup


def test_all_is_unique_and_importable() -> None:
    names = therapy_lookup.__all__  # kept sorted by ruff (RUF022)
    assert len(set(names)) == len(names)
    missing = [n for n in names if not hasattr(therapy_lookup, n)]
    assert missing == []


def test_public_callables_have_docstrings() -> None:
    undocumented = [
        n
        for n in therapy_lookup.__all__
        if callable(getattr(therapy_lookup, n)) and not getattr(therapy_lookup, n).__doc__
    ]
    assert undocumented == []


def test_version_is_set() -> None:
    assert therapy_lookup.__version__ and therapy_lookup.__version__ != "0+unknown"


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    import therapy_lookup

    assert therapy_lookup.__version__ == version("therapy_lookup")
