"""Pure units: escaping (property-style), filters, retry policy, rate limiter, config."""

from __future__ import annotations

import random
import re
import threading
from pathlib import Path

import pytest

from therapy_lookup.ctgov import (
    ClientConfig,
    ClinicalTrialsClient,
    EssieExpr,
    GeoFilter,
    InvalidNCTId,
    InvalidQuery,
    RetryPolicy,
    Sex,
    escape_essie,
    normalize_nct_id,
)
from therapy_lookup.ctgov import retry as retry_mod
from therapy_lookup.ctgov.config import default_user_agent
from therapy_lookup.ctgov.query import build_search_params
from therapy_lookup.ctgov.ratelimit import RateLimiter, limiter_for
from therapy_lookup.ctgov.retry import parse_retry_after

SAFE_PHRASE = re.compile(r'^"[^"\\\[\](){}]+"$')
ALPHABET = 'abcXYZ019 "\\()[]{}:,.|&=?*-_\'\t\nORANDNOTALLAREAMISSINGRANGE'
WORDS = ["OR", "AND", "NOT", "ALL", "MISSING", "AREA[Phase]", "RANGE[MIN,MAX]", "SEARCH[",
         "COVERAGE[FullMatch]", "EXPANSION[None]", '"', "\\", "(", ")", "TILT[x]", "x"]


def random_hostile(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 40)))


def test_escape_property_random_hostile_strings() -> None:
    rng = random.Random(1234)
    for _ in range(2000):
        text = random_hostile(rng)
        try:
            out = escape_essie(text)
        except InvalidQuery:
            # only when nothing but syntax characters / whitespace was given
            assert not re.sub(r'["\\()\[\]{}\s]', "", text)
            continue
        assert SAFE_PHRASE.match(out), (text, out)
        # words of the input survive, in order
        words = re.sub(r'["\\()\[\]{}]', " ", text).split()
        assert out[1:-1].split() == words


@pytest.mark.parametrize(("text", "expected"), [
    ("ALL", '"ALL"'),
    ("acute lymphoblastic leukemia", '"acute lymphoblastic leukemia"'),
    ("heart attack OR stroke", '"heart attack OR stroke"'),
    ('AREA[Phase]PHASE3', '"AREA Phase PHASE3"'),
    ('say "hi"', '"say hi"'),
    ("(S)-2-amino [x]", '"S -2-amino x"'),
    ("  spaced\t\nout  ", '"spaced out"'),
])
def test_escape_examples(text: str, expected: str) -> None:
    assert escape_essie(text) == expected


def test_essie_expr_passes_through() -> None:
    params = build_search_params(term=EssieExpr("AREA[LastUpdatePostDate]RANGE[2023-01-15,MAX]"))
    assert params == {"query.term": "AREA[LastUpdatePostDate]RANGE[2023-01-15,MAX]"}
    with pytest.raises(InvalidQuery):
        EssieExpr("  ")


def test_age_and_sex_filters() -> None:
    params = build_search_params(age=16, sex=Sex.FEMALE, phases="PHASE3")
    adv = params["filter.advanced"]
    assert adv == (
        "(AREA[Phase]PHASE3) AND ((AREA[MinimumAge]RANGE[MIN, 16 years] OR "
        "AREA[MinimumAge]MISSING) AND (AREA[MaximumAge]RANGE[16 years, MAX] OR "
        'AREA[MaximumAge]MISSING)) AND (AREA[Sex](FEMALE OR "ALL"))'
    )
    assert build_search_params(sex="ALL")["filter.advanced"] == 'AREA[Sex]"ALL"'
    assert "6 months" in build_search_params(age="6 Month")["filter.advanced"]


def test_geo_filter_validation() -> None:
    assert GeoFilter(42.36, -71.06, 25, "km").to_param() == "distance(42.36,-71.06,25km)"
    assert GeoFilter(0, 0, 1.5).to_param() == "distance(0,0,1.5mi)"
    pattern = re.compile(r"^distance\(-?\d+(\.\d+)?,-?\d+(\.\d+)?,\d+(\.\d+)?(km|mi)?\)$")
    assert pattern.match(GeoFilter(-33.8688197, 151.2092955, 100).to_param())
    for bad in [(91, 0, 10), (0, 181, 10), (0, 0, 0), (0, 0, -5), (float("nan"), 0, 1)]:
        with pytest.raises(InvalidQuery):
            GeoFilter(*bad)
    with pytest.raises(InvalidQuery):
        GeoFilter(0, 0, 10, "furlong")  # type: ignore[arg-type]


def test_nct_ids() -> None:
    assert normalize_nct_id("nct01234567") == "NCT01234567"
    with pytest.raises(InvalidNCTId):
        normalize_nct_id("NCT1234567")
    with pytest.raises(ValueError, match="NCT"):
        normalize_nct_id("XYZ01234567")


# -- retry ------------------------------------------------------------------------------


def test_retry_schedule_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry_mod, "jitter", lambda: 1.0)
    policy = RetryPolicy(max_retries=6, base=0.5, cap=10.0)
    assert policy.schedule() == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0]
    assert policy.delay(6) is None
    assert policy.delay(0, retry_after=3.0) == 3.0
    assert policy.delay(0, retry_after=500.0) is None  # beyond max_retry_after
    monkeypatch.setattr(retry_mod, "jitter", lambda: 1.25)
    assert policy.delay(5) == 10.0  # jitter never exceeds the cap
    monkeypatch.setattr(retry_mod, "jitter", lambda: 0.75)
    assert policy.delay(1) == 0.75


def test_jitter_range() -> None:
    values = [retry_mod.jitter() for _ in range(500)]
    assert all(0.75 <= v <= 1.25 for v in values)
    assert len(set(values)) > 1


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    when = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after(when, now=1445412480.0 - 30) == pytest.approx(30.0)


# -- rate limiter ----------------------------------------------------------------------


def test_rate_limiter_spaces_requests() -> None:
    now = [100.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.reserve(1.0) for _ in range(3)] == [0.0, 1.0, 2.0]
    now[0] += 10
    assert limiter.reserve(1.0) == 0.0
    assert limiter.reserve(0.0) == 1.0  # still waits for the slot reserved before


def test_rate_limiter_threads_share_slots() -> None:
    limiter = RateLimiter(clock=lambda: 0.0)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        w = limiter.reserve(0.5)
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == [0.5 * i for i in range(8)]


def test_limiter_is_process_wide_per_host() -> None:
    a = limiter_for("https://clinicaltrials.gov/api/v2")
    b = limiter_for("https://CLINICALTRIALS.gov/other")
    c = limiter_for("http://127.0.0.1:9/api/v2")
    assert a is b
    assert a is not c


def test_client_uses_limiter_before_each_request(tmp_path: Path) -> None:
    cfg = ClientConfig(base_url="https://limit.test/api/v2", cache_enabled=False)
    assert cfg.min_interval == 1.0
    slept: list[float] = []
    limiter = RateLimiter(clock=lambda: 0.0)
    import responses

    with responses.RequestsMock() as rsps, ClinicalTrialsClient(
        cfg, sleep=slept.append, limiter=limiter
    ) as c:
        rsps.add(responses.GET, "https://limit.test/api/v2/studies",
                 json={"studies": [], "totalCount": 0})
        for _ in range(3):
            c.count(term="x")
    assert slept == [1.0, 2.0]


# -- config ----------------------------------------------------------------------------


def test_config_defaults_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = ClientConfig()
    assert cfg.base_url == "https://clinicaltrials.gov/api/v2"
    assert cfg.cache_ttl == 24 * 3600
    assert cfg.min_interval == 1.0
    assert cfg.resolved_cache_dir.name == "ctgov"
    assert cfg.user_agent == default_user_agent()
    assert re.match(r"^therapy_lookup/\S+ \(\+https://pypi\.org/project/therapy_lookup/\)$",
                    cfg.user_agent)
    monkeypatch.setenv("THERAPY_LOOKUP_CTGOV_URL", "http://127.0.0.1:8765/api/v2/")
    monkeypatch.setenv("THERAPY_LOOKUP_CACHE_DIR", str(tmp_path / "c"))
    env = ClientConfig.from_env()
    assert env.base_url == "http://127.0.0.1:8765/api/v2"
    assert env.cache_dir == tmp_path / "c"
    assert ClientConfig.from_env(base_url="https://x.test").base_url == "https://x.test"
    assert ClientConfig.from_env(cache_enabled=False).cache_dir is None
    with ClinicalTrialsClient() as c:
        assert c.config.base_url == "http://127.0.0.1:8765/api/v2"
        assert c.cache is not None
        assert c.cache.directory == tmp_path / "c"


@pytest.mark.parametrize("kwargs", [
    {"base_url": "ftp://x"}, {"base_url": "clinicaltrials.gov"}, {"base_url": "https://x/?a=1"},
    {"connect_timeout": 0}, {"read_timeout": -1}, {"max_retries": -1},
    {"backoff_base": 10, "backoff_cap": 1}, {"min_interval": -0.1},
    {"cache_enabled": False, "cache_dir": Path("/tmp/x")}, {"user_agent": " "},
    {"cache_ttl": float("nan")},
])
def test_config_rejects_bad_or_conflicting(kwargs: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        ClientConfig(**kwargs)  # type: ignore[arg-type]


def test_config_is_frozen_and_keyword_only() -> None:
    cfg = ClientConfig()
    with pytest.raises(AttributeError):
        cfg.base_url = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ClientConfig("https://x.test")  # type: ignore[call-arg]
    assert cfg.replace(min_interval=0).min_interval == 0
