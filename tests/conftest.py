"""Test session settings: the suite writes nothing into the user's own cache folders."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# The packaged resolver stores its name index in the user cache folder; tests keep theirs in a
# private folder (set before any test module builds a resolver), removed when the run ends.
if "THERAPY_LOOKUP_INDEX_DIR" not in os.environ:
    _INDEX_DIR = tempfile.mkdtemp(prefix="therapy-lookup-test-index-")
    os.environ["THERAPY_LOOKUP_INDEX_DIR"] = _INDEX_DIR
    atexit.register(shutil.rmtree, _INDEX_DIR, ignore_errors=True)
