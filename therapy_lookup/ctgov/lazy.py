"""Studies of cached pages built on first use (a *shell* first, the full model when read).

A page this code validated before caching it is served as shells: each holds only its NCT
id and the raw record. The first read of any other field, or anything that reads the
model's ``__dict__`` (``==``, ``model_dump``, ``model_dump_json``, ``repr``, copy, pickle,
serialising it inside another model), validates the raw record exactly as a fresh fetch
does and swaps the result in, for every shell of the same page still alive at once (with
the collector paused, as for a fresh page). A shell and a fresh study are then
indistinguishable: same type, fields, values, fields set and dumps.

A page whose NCT ids were stored beside it (:mod:`.shells`) is not even decoded until then.
Only pages whose manifest carries :func:`schema_mark` (a hash of the code that validated
them and of the pydantic versions) are served as shells; a record that no longer
validates (the cache folder is not trusted) raises :class:`CTGovDecodeError` when read.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pydantic
import pydantic_core
from pydantic import BaseModel

from ..collector import paused_collector
from .errors import CTGovDecodeError

__all__ = ["LAZY_KEY", "Page", "dict_get", "dict_set", "lazy_getattr", "schema_mark", "shell"]

#: Key under which a shell's own ``__dict__`` holds the raw record still to validate and
#: its :class:`Page`.
LAZY_KEY = "\0record"
_DICT = BaseModel.__dict__["__dict__"]  # the instance-dict descriptor pydantic's slots make
_SET = object.__setattr__


@cache
def schema_mark() -> str | None:
    """Hash of the modules that validate a study and the pydantic versions (None: unknown)."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{pydantic.VERSION} {pydantic_core.__version__}".encode())
    try:
        for name in ("models.py", "enums.py", "lazy.py"):
            digest.update((here / name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()[:32]


class Page:
    """The shells of one cached page: the first one read validates every one still alive.

    One page at once, with the collector paused (as a fresh page is), instead of one study
    at a time with the collector walking the new models again and again. The records are
    given, or ``source`` decodes them when the first shell is read (a page whose studies
    are never read is never decoded).
    """

    __slots__ = ("_done", "_lock", "_records", "_refs", "_source")

    def __init__(self, records: list[Any] | None = None,
                 source: Callable[[], list[Any]] | None = None) -> None:
        self._refs: list[weakref.ref[BaseModel]] = []
        self._lock = threading.RLock()
        self._done = False
        self._records = records
        self._source = source

    def add(self, obj: BaseModel) -> None:
        """Count ``obj`` (a shell) in."""
        self._refs.append(weakref.ref(obj))

    def record(self, index: int, nct: Any) -> Any:
        """Raw record ``index`` (decoded now if need be); it must carry NCT id ``nct``."""
        with self._lock:
            if self._records is None:
                assert self._source is not None
                with paused_collector():
                    self._records = self._source()
            records = self._records
        raw = records[index] if index < len(records) else None
        ps = raw.get("protocolSection") if type(raw) is dict else None
        ident = ps.get("identificationModule") if type(ps) is dict else None
        if type(ident) is not dict or ident.get("nctId") != nct:
            raise CTGovDecodeError(f"the cached page no longer holds study {nct}; search "
                                   "again with refresh=True", url=None)
        return raw

    def validate_all(self, cls: type[BaseModel]) -> None:
        """Validate every shell of the page still alive (once; a bad record stays a shell)."""
        with self._lock:
            if self._done:
                return
            self._done = True
            refs, self._refs = self._refs, []
            with paused_collector():
                for ref in refs:
                    obj = ref()
                    own: dict[str, Any] | None = _DICT.__get__(obj) if obj is not None else None
                    if obj is None or own is None or LAZY_KEY not in own:
                        continue
                    try:
                        raw = self.record(own[LAZY_KEY][0], own["nct_id"])
                        full = cls.model_validate(raw)
                    except pydantic.ValidationError:
                        continue  # raised when this very shell is read
                    _swap(obj, full)


def _nct(raw: Any) -> str | None:
    ps = raw.get("protocolSection") if type(raw) is dict else None
    ident = ps.get("identificationModule") if type(ps) is dict else None
    nct = ident.get("nctId") if type(ident) is dict else None
    return nct if type(nct) is str and nct else None


def shell(cls: type[BaseModel], fields: frozenset[str], page: Page, index: int,
          raw: Any = None, nct: str | None = None) -> Any:
    """A not-yet-validated ``cls``: record ``index`` of ``page``, or None without an NCT id.

    ``raw`` is the record when decoded already (else ``nct`` is its NCT id).
    """
    if raw is not None:
        nct = _nct(raw)
    if nct is None:
        return None
    obj = cls.__new__(cls)
    own: dict[str, Any] = {"nct_id": nct, LAZY_KEY: (index, page)}
    if raw is not None:
        own["raw"] = raw
    _DICT.__set__(obj, own)
    # _flatten names every field, so a validated record has every field set.
    _SET(obj, "__pydantic_fields_set__", set(fields))
    _SET(obj, "__pydantic_extra__", None)
    _SET(obj, "__pydantic_private__", None)
    page.add(obj)
    return obj


def _swap(obj: BaseModel, full: BaseModel) -> dict[str, Any]:
    done: dict[str, Any] = _DICT.__get__(full)
    # One swap of the whole dict, so another thread sees the shell or the model, never half.
    _SET(obj, "__pydantic_fields_set__", full.__pydantic_fields_set__)
    _DICT.__set__(obj, done)
    return done


def _materialize(obj: BaseModel, own: dict[str, Any]) -> dict[str, Any]:
    index, page = own[LAZY_KEY]
    page.validate_all(type(obj))
    now: dict[str, Any] = _DICT.__get__(obj)
    if LAZY_KEY not in now:
        return now
    nct = own.get("nct_id")
    try:
        full = type(obj).model_validate(page.record(index, nct))
    except pydantic.ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[:1]
        where = ".".join(str(p) for p in first[0].get("loc", ())) if first else "record"
        raise CTGovDecodeError(f"cached study record {nct} no longer validates ({where}); "
                               "search again with refresh=True", url=None) from exc
    return _swap(obj, full)


def dict_get(obj: BaseModel) -> dict[str, Any]:
    """``obj.__dict__``: a shell is validated first."""
    own: dict[str, Any] = _DICT.__get__(obj)
    if LAZY_KEY in own:
        return _materialize(obj, own)
    return own


def dict_set(obj: BaseModel, value: dict[str, Any]) -> None:
    """``obj.__dict__ = value`` (pydantic sets it when it builds or unpickles a model)."""
    _DICT.__set__(obj, value)


def lazy_getattr(obj: BaseModel, name: str) -> Any:
    """A field missing from a shell: validate, then read it; else pydantic's own lookup."""
    own: dict[str, Any] = _DICT.__get__(obj)
    if LAZY_KEY in own and not name.startswith("_"):
        done = _materialize(obj, own)
        if name in done:
            return done[name]
    return BaseModel.__getattr__(obj, name)  # type: ignore[attr-defined]
