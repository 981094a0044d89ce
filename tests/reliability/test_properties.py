"""Property-based probe (hypothesis): hostile text anywhere gives an answer or a documented
typed error, never changes a query's structure, and answers are deterministic.

Default profile ``ci`` (derandomized, 150 examples a test); the long run on demand::

    python -m pytest tests/reliability --hypothesis-profile=long -p no:cacheprovider
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import therapy_lookup as tl
from therapy_lookup import cli
from therapy_lookup.ctgov import (
    ClientConfig,
    CTGovError,
    InvalidQuery,
    OverallStatus,
    Phase,
    escape_essie,
)
from therapy_lookup.ctgov.query import MAX_TEXT_LENGTH, build_search_params
from therapy_lookup.trials import find_trials

# Text as users (and attackers) type it: any code point, with Essie syntax, operators,
# control and format characters, full-width look-alikes and plausible words mixed in.
_PIECES = ['"', "\\", "(", ")", "[", "]", "{", "}", " OR ", " AND ", " NOT ", "AREA[Phase]",
           "RANGE[1,2]", "MISSING", "ALL", "&", "#", "?", "%22", "\x00", "\u200b", "\u202e",
           "\n", "\t", "\uff02", "\uff08", "\uff09", "\uff3b", "\uff3d", "DLBCL", "CAR-T",
           "lymphoma", "KRAS G12C", "non-", " not detected", ",", "é", "\udcff", "💥"]
TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=6)), max_size=12).map(
        "".join),
)
#: Errors a caller is told to expect from a well-typed call.
TYPED = (tl.TherapyLookupError, ValueError)


def _outcome(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        value = call(*args, **kwargs)
    except TYPED as exc:
        return ("error", type(exc).__name__, str(exc))
    if isinstance(value, list):
        return [v.model_dump() if hasattr(v, "model_dump") else v for v in value]
    return value.model_dump() if hasattr(value, "model_dump") else value


@given(TEXT)
def test_resolve_answers_or_is_typed_and_deterministic(text: str) -> None:
    assert _outcome(tl.resolve, text) == _outcome(tl.resolve, text)


@given(st.lists(TEXT, max_size=5))
def test_resolve_many_is_resolve_of_each(texts: list[str]) -> None:
    many = _outcome(tl.resolve_many, texts)
    if isinstance(many, tuple):  # a typed error for the batch: one item is unusable
        assert any(isinstance(_outcome(tl.resolve, t), tuple) for t in texts)
    else:
        assert many == [_outcome(tl.resolve, t) for t in texts]


@given(TEXT, st.integers(min_value=-5, max_value=10**6))
def test_search_diagnoses_answers_or_is_typed(text: str, limit: int) -> None:
    out = _outcome(tl.search_diagnoses, text, limit)
    if not isinstance(out, tuple):
        assert len(out) <= max(limit, 0)


@given(TEXT, TEXT, st.one_of(TEXT, st.sampled_from(["US", "EU", "any", "uk", "Japan"])))
def test_check_availability_answers_or_is_typed(diagnosis: str, therapy: str,
                                                region: str) -> None:
    first = _outcome(tl.check_availability, diagnosis, therapy, region)
    assert first == _outcome(tl.check_availability, diagnosis, therapy, region)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.one_of(TEXT, TEXT.map(lambda t: f"Is CAR-T approved for {t}?"),
                 TEXT.map(lambda t: f"Which {t} trials are recruiting?")))
def test_ask_answers_or_is_typed(offline_registry: None, question: str) -> None:
    assert _outcome(tl.ask, question) == _outcome(tl.ask, question)


_PHRASE = re.compile('"[^"\\\\()\\[\\]{}\uff02\uff08\uff09\uff3b\uff3d]+"')


@given(TEXT, TEXT, TEXT)
def test_user_text_never_changes_a_query_structure(condition: str, intervention: str,
                                                   term: str) -> None:
    try:
        params = build_search_params(condition=condition, intervention=intervention, term=term,
                                     statuses=[OverallStatus.RECRUITING],
                                     phases=[Phase.PHASE2])
    except InvalidQuery:
        return  # refused before any request: nothing searchable, or too long
    assert set(params) == {"query.cond", "query.intr", "query.term", "filter.overallStatus",
                           "filter.advanced"}
    for key in ("query.cond", "query.intr", "query.term"):
        value = params[key]
        assert _PHRASE.fullmatch(value), value  # one literal phrase
        assert value[1] != " " and value[-2] != " " and len(value) <= MAX_TEXT_LENGTH + 2
        assert value.isprintable()
    assert params["filter.overallStatus"] == "RECRUITING"
    assert params["filter.advanced"] == "AREA[Phase]PHASE2"


@given(TEXT)
def test_escape_is_idempotent(text: str) -> None:
    try:
        once = escape_essie(text)
    except InvalidQuery:
        return
    assert escape_essie(once) == once


@pytest.fixture
def offline_registry(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: Any) -> None:
    """Every client the CLI or find_trials builds points at a closed port, with no retries."""
    config = ClientConfig(base_url="http://127.0.0.1:9/api/v2", min_interval=0, max_retries=0,
                          connect_timeout=0.5, read_timeout=0.5,
                          cache_dir=tmp_path_factory.mktemp("cache"))
    monkeypatch.setattr(ClientConfig, "from_env", classmethod(lambda cls, **kw: config))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(TEXT, st.one_of(st.none(), TEXT))
def test_find_trials_offline_answers_or_is_typed(offline_registry: None, diagnosis: str,
                                                 therapy: str | None) -> None:
    try:
        result = find_trials(diagnosis, therapy, offline=True, limit=5)
    except TYPED as exc:
        error: Exception = exc
    else:
        error = ValueError()
        assert not result.registry_reachable and result.studies == ()
    assert not isinstance(error, CTGovError) or isinstance(error, InvalidQuery)


_COMMANDS = st.sampled_from([[], ["available"], ["resolve"], ["ask"], ["trials", "--offline"],
                             ["products"], ["cache"], ["--json"], ["-v"]])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(_COMMANDS, st.lists(st.one_of(TEXT, st.sampled_from(
    ["--json", "--region", "--therapy", "--limit", "0", "-1", "--near", "1,2,3km", "--csv",
     "--class", "info", "clear", "--all-statuses"])), max_size=5))
def test_the_cli_exits_with_a_status_never_a_traceback(offline_registry: None,
                                                       command: list[str],
                                                       rest: list[str]) -> None:
    argv = [*command, *rest]
    if argv[:2] == ["cache", "clear"] or "clear" in argv[:2]:
        return  # would empty the user's real cache folder; covered by test_cli_commands
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main(argv)
        except SystemExit as exc:  # argparse usage errors and --help
            status = exc.code if isinstance(exc.code, int) else 2
    assert status in (0, 1, 2)
    lines = err.getvalue().splitlines()
    if status == 1 and lines:
        assert lines[-1].startswith("error: ") or "usage" in err.getvalue()
