"""Test session settings (no writes into the user's cache folders) and shared fixtures."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from therapy_lookup.knowledge.catalog import Catalog

# The packaged resolver stores its name index in the user cache folder; tests keep theirs in a
# private folder (set before any test module builds a resolver), removed when the run ends.
if "THERAPY_LOOKUP_INDEX_DIR" not in os.environ:
    _INDEX_DIR = tempfile.mkdtemp(prefix="therapy-lookup-test-index-")
    os.environ["THERAPY_LOOKUP_INDEX_DIR"] = _INDEX_DIR
    atexit.register(shutil.rmtree, _INDEX_DIR, ignore_errors=True)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The packaged catalog (loaded once per test module, after the settings above)."""
    from therapy_lookup.knowledge.catalog import load_catalog

    return load_catalog()
