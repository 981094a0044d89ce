"""A cached answer is the fresh answer: same models, same types, same dumps (issue 15).

The recorded real responses in ../shared are served once from the (mocked) registry and then
offline from the cache; every study must equal the fresh one field by field, down to the
type of each value (an enum member and its string compare equal, so ``==`` alone is not
enough). Also: the optional orjson decoder gives what :func:`json.loads` gives, and the
collector pause during a page is undone.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any

import pytest
import responses
from pydantic import BaseModel

from tests.ctgov.conftest import BASE, SAMPLES
from therapy_lookup.ctgov import ClinicalTrialsClient, Study
from therapy_lookup.ctgov import parse as parse_mod
from therapy_lookup.ctgov.errors import CTGovDecodeError


def _samples(kind: str) -> list[str]:
    if not SAMPLES.is_dir():
        return []
    out = []
    for path in sorted(SAMPLES.rglob("*.json")):
        try:
            data = json.loads(path.read_bytes())
        except ValueError:
            continue
        if kind == "page" and isinstance(data, dict) and isinstance(data.get("studies"), list):
            out.append(str(path.relative_to(SAMPLES)))
        if kind == "study" and isinstance(data, dict) and "protocolSection" in data:
            out.append(str(path.relative_to(SAMPLES)))
    return out


PAGES = _samples("page")
STUDIES = _samples("study")


def typed(value: Any) -> Any:
    """A tree of (type, value) pairs: equal only if every value has the same type too."""
    if isinstance(value, BaseModel):
        return (type(value), tuple((name, typed(getattr(value, name)))
                                   for name in type(value).model_fields))
    if isinstance(value, list):
        return ("list", tuple(typed(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((k, typed(v)) for k, v in value.items()))
    return (type(value), repr(value))


def assert_same(fresh: list[Study], cached: list[Study]) -> None:
    assert len(fresh) == len(cached)
    for a, b in zip(fresh, cached, strict=True):
        assert a == b
        assert a.model_dump() == b.model_dump()
        assert a.model_dump_json() == b.model_dump_json()
        assert typed(a) == typed(b)
        assert a.model_fields_set == b.model_fields_set


def test_typed_tells_an_enum_from_its_string() -> None:
    from therapy_lookup.ctgov import OverallStatus

    assert OverallStatus.RECRUITING == "RECRUITING"
    assert typed(OverallStatus.RECRUITING) != typed("RECRUITING")


@pytest.mark.skipif(not PAGES, reason="recorded samples absent")
@pytest.mark.parametrize("rel", PAGES)
def test_cached_search_equals_fresh(rel: str, client: ClinicalTrialsClient) -> None:
    raw = (SAMPLES / rel).read_bytes()
    body = json.loads(raw)
    n = len(body["studies"])
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE + "/studies", body=raw, content_type="application/json")
        fresh_results = client.search(term="x", limit=n or None)
        fresh = list(fresh_results)
    assert not fresh_results.from_cache
    cached_results = client.search(term="x", limit=n or None, offline=True)
    cached = list(cached_results)
    assert cached_results.from_cache
    assert cached_results.total_count == fresh_results.total_count
    assert_same(fresh, cached)
    direct = [Study.model_validate(s) for s in body["studies"]]
    assert_same(direct, cached)


@pytest.mark.skipif(not STUDIES, reason="recorded samples absent")
@pytest.mark.parametrize("rel", STUDIES)
def test_cached_study_equals_fresh(rel: str, client: ClinicalTrialsClient) -> None:
    raw = (SAMPLES / rel).read_bytes()
    nct = json.loads(raw)["protocolSection"]["identificationModule"]["nctId"]
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, f"{BASE}/studies/{nct}", body=raw,
                 content_type="application/json")
        fresh = client.get(nct)
    cached = client.get(nct, offline=True)
    assert client.last_response_info is not None and client.last_response_info.from_cache
    assert_same([fresh], [cached])
    assert_same([Study.model_validate(json.loads(raw))], [cached])


@pytest.mark.skipif(not PAGES, reason="recorded samples absent")
@pytest.mark.parametrize("enabled", [True, False])
def test_collector_state_restored_after_a_page(enabled: bool,
                                               client: ClinicalTrialsClient) -> None:
    rel = max(PAGES, key=lambda r: (SAMPLES / r).stat().st_size)
    raw = (SAMPLES / rel).read_bytes()
    assert len(raw) >= 32 * 1024  # large enough for the pause
    n = len(json.loads(raw)["studies"])
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with responses.RequestsMock() as rsps:
            rsps.add(responses.GET, BASE + "/studies", body=raw,
                     content_type="application/json")
            assert len(list(client.search(term="y", limit=n))) == n
        assert gc.isenabled() is enabled
        assert len(list(client.search(term="y", limit=n, offline=True))) == n
        assert gc.isenabled() is enabled
        with responses.RequestsMock() as rsps:
            rsps.add(responses.GET, BASE + "/studies", body=raw[: len(raw) // 2],
                     content_type="application/json")
            with pytest.raises(CTGovDecodeError):
                list(client.search(term="z", limit=n))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


# -- the optional fast decoder ---------------------------------------------------------

EDGE_BODIES = [
    b'{"a": 1, "b": 2, "a": 3}', b"18446744073709551615", b"18446744073709551616",
    b"-9223372036854775808", b"-9223372036854775809", b"123456789012345678901234567890",
    b"[0.1, 1e5, -0.0, 1e400, -1e400, 5e-324, 1.7976931348623157e308]",
    b"9007199254740993", b'"\\ud800"', b'"\\ud83d\\ude00"', "\"é😀\"".encode(),
    b"\xef\xbb\xbf{}", b"[NaN, Infinity]", b'{"\\u00e9": [true, false, null]}',
    b"[" * 1500 + b"]" * 1500, '{"x": "ü"}'.encode("utf-16"),
]
MALFORMED = [b"", b"{", b'{"a": }', b"[1] x", b'"\x01"', b"\xff\xfe\x00", b"nul"]


def _same_as_json(body: bytes) -> None:
    try:
        expected = json.loads(body)
    except RecursionError:
        with pytest.raises(RecursionError):
            parse_mod.loads(body, None)
        return
    assert typed(parse_mod.loads(body, None)) == typed(expected)


@pytest.mark.parametrize("body", EDGE_BODIES)
def test_loads_gives_what_json_gives(body: bytes) -> None:
    _same_as_json(body)


@pytest.mark.parametrize("body", MALFORMED)
def test_loads_errors_are_jsons(body: bytes) -> None:
    try:
        json.loads(body)
    except ValueError as exc:
        expected = str(exc)
    else:
        pytest.fail("json accepted a malformed body")
    with pytest.raises(CTGovDecodeError) as got:
        parse_mod.loads(body, "u")
    assert expected in str(got.value)


def test_orjson_when_installed_gives_what_json_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    orjson = pytest.importorskip("orjson")
    monkeypatch.setattr(parse_mod, "_FAST_LOADS", orjson.loads)
    monkeypatch.setattr(parse_mod, "_FAST_ERROR", orjson.JSONDecodeError)
    for body in EDGE_BODIES:
        _same_as_json(body)
    for body in MALFORMED:
        with pytest.raises(CTGovDecodeError):
            parse_mod.loads(body, None)
    for rel in PAGES + STUDIES:
        raw = (SAMPLES / rel).read_bytes()
        assert typed(parse_mod.loads(raw, None)) == typed(json.loads(raw))


def test_fast_decoder_is_used_and_bypassed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refused(ValueError):
        pass

    def fake(body: bytes) -> Any:
        if body == b"[2]":
            raise Refused("no")
        return "fast"

    monkeypatch.setattr(parse_mod, "_FAST_LOADS", fake)
    monkeypatch.setattr(parse_mod, "_FAST_ERROR", Refused)
    assert parse_mod.loads(b"[1]", None) == "fast"
    assert parse_mod.loads(b"[2]", None) == [2]  # refused: the standard library decodes
    # 19+ digits never reach the fast decoder (orjson may turn them into floats)
    assert parse_mod.loads(b"[1234567890123456789]", None) == [1234567890123456789]
    assert parse_mod.loads(b"[123456789012345678]", None) == "fast"


def test_samples_folder_layout() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("recorded samples absent")
    assert PAGES and STUDIES
    assert all(Path(SAMPLES / r).is_file() for r in PAGES + STUDIES)


@pytest.mark.skipif(not PAGES, reason="recorded samples absent")
def test_pause_keeps_frozen_objects_frozen_and_cycles_collectable(
        client: ClinicalTrialsClient) -> None:
    import weakref

    rel = max(PAGES, key=lambda r: (SAMPLES / r).stat().st_size)
    raw = (SAMPLES / rel).read_bytes()
    n = len(json.loads(raw)["studies"])

    class Node:
        other: Any = None

    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, BASE + "/studies", body=raw, content_type="application/json")
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle made before the page, garbage after it
        gone = weakref.ref(a)
        del a, b
        assert len(list(client.search(term="w", limit=n))) == n
        assert gc.isenabled()
        gc.collect()
        assert gone() is None  # promoted by the pause, still collected
        gc.freeze()
        try:
            frozen = gc.get_freeze_count()
            assert frozen > 0
            assert len(list(client.search(term="w", limit=n, offline=True))) == n
            # someone else's freeze left alone (not thawed; a few frozen objects may die)
            assert gc.get_freeze_count() > frozen // 2
        finally:
            gc.unfreeze()
