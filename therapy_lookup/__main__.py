"""Entry point for ``python -m therapy_lookup``."""

from .cli import main

raise SystemExit(main())
