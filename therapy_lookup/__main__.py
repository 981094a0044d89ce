"""Entry point for ``python -m therapy_lookup`` and the ``therapy-lookup`` command."""

from __future__ import annotations

import gc

from .cli import main


def run() -> None:
    """Run the CLI and exit with its status.

    The process ends right after, so the built tables are frozen out of the garbage collector
    first: the collection at interpreter exit then skips them (about 0.1 s less per command).
    This is done here, in the program that owns the process, never by the library.
    """
    code = main()
    gc.freeze()
    raise SystemExit(code)


if __name__ == "__main__":
    run()
