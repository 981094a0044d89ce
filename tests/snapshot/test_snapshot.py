"""Registry snapshot: sync once per data version, delta syncs, atomic files, local matching."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
duckdb = pytest.importorskip("duckdb")

from tests.snapshot.fake_registry import SnapshotRegistry  # noqa: E402
from therapy_lookup import snapshot  # noqa: E402
from therapy_lookup.ctgov import ClientConfig, ClinicalTrialsClient  # noqa: E402

N = 2500  # synthetic studies: 3 pages of 1,000


@pytest.fixture
def registry() -> Iterator[SnapshotRegistry]:
    with SnapshotRegistry(N) as server:
        yield server


def _client(url: str, tmp_path: Path) -> ClinicalTrialsClient:
    return ClinicalTrialsClient(
        ClientConfig(base_url=url, min_interval=0, cache_dir=tmp_path / "cache", max_retries=0)
    )


def _open_count(server: SnapshotRegistry) -> int:
    return sum(
        1 for s in server.studies
        if s["protocolSection"]["statusModule"]["overallStatus"] in {"RECRUITING",
                                                                     "NOT_YET_RECRUITING"}
    )


def test_cold_sync_then_unchanged_then_delta(registry: SnapshotRegistry, tmp_path: Path) -> None:
    folder = tmp_path / "snap"
    with _client(registry.url, tmp_path) as client:
        cold = snapshot.sync(folder, client=client, progress=False)
        # /version, then ceil(open studies / 1000) pages
        pages = -(-_open_count(registry) // 1000)
        assert cold["mode"] == "full" and cold["requests"] == 1 + pages
        assert cold["studies"] == _open_count(registry)

        again = snapshot.sync(folder, client=client, progress=False)
        assert again == {**again, "mode": "unchanged", "requests": 1}

        changed = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # includes open and closed studies
        registry.update(changed, date="2026-09-15")
        registry.update([20, 21], date="2026-09-15", status="COMPLETED")
        registry.data_timestamp = "2026-09-15T09:00:00"
        before = registry.request_count
        delta = snapshot.sync(folder, client=client, progress=False)
        assert delta["mode"] == "delta"
        assert delta["fetched"] == len(changed) + 2  # only the updated studies
        assert registry.request_count - before == 2  # /version + one page
    with snapshot.open_snapshot(folder) as snap:
        assert snap.data_timestamp == "2026-09-15T09:00:00"
        assert snap.info()["studies"] == _open_count(registry)
        nct20 = registry.studies[20]["protocolSection"]["identificationModule"]["nctId"]
        assert snap.study(nct20) is None  # closed since: removed
        first = snap.study("NCT00000001")
        if first is not None:
            assert first.brief_title is not None and first.brief_title.endswith("(v2)")
    assert [p.name for p in folder.glob("snapshot-*.duckdb")] == [
        "snapshot-2026-09-15T090000.duckdb"
    ]


def test_a_sync_killed_half_way_leaves_the_previous_snapshot(
    registry: SnapshotRegistry, tmp_path: Path
) -> None:
    folder = tmp_path / "snap"
    with _client(registry.url, tmp_path) as client:
        snapshot.sync(folder, client=client, progress=False)
        registry.data_timestamp = "2026-09-16T09:00:00"
        registry.fail_next(500, times=50)  # the registry dies after /version
        with pytest.raises(Exception):  # noqa: B017, PT011 - any typed client error
            snapshot.sync(folder, client=client, progress=False, full=True)
    with snapshot.open_snapshot(folder) as snap:
        assert snap.data_timestamp == "2026-09-11T09:00:04"
    assert not list(folder.glob("*.partial"))


def test_a_corrupt_snapshot_is_never_read(registry: SnapshotRegistry, tmp_path: Path) -> None:
    folder = tmp_path / "snap"
    with _client(registry.url, tmp_path) as client:
        snapshot.sync(folder, client=client, progress=False)
    db = next(folder.glob("snapshot-*.duckdb"))
    with db.open("r+b") as f:
        f.seek(os.path.getsize(db) // 2)
        f.write(b"\x00garbage\x00")
    with pytest.raises(snapshot.SnapshotError, match="does not match"):
        snapshot.open_snapshot(folder)
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(snapshot.SnapshotError, match="unreadable"):
        snapshot.open_snapshot(folder)
    with pytest.raises(snapshot.SnapshotError, match="no snapshot"):
        snapshot.open_snapshot(tmp_path / "empty")


@pytest.fixture(scope="module")
def shared_registry() -> Iterator[SnapshotRegistry]:
    with SnapshotRegistry(N) as server:
        yield server


@pytest.fixture(scope="module")
def synced(shared_registry: SnapshotRegistry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("synced")
    folder = tmp_path / "snap"
    with _client(shared_registry.url, tmp_path) as client:
        snapshot.sync(folder, client=client, progress=False)
    return folder


def _patients() -> pd.DataFrame:
    return pd.DataFrame([
        {"patient_id": "a", "diagnosis": "multiple myeloma", "therapy": None, "age": 60,
         "sex": "F", "lat": 42.36, "lon": -71.06, "radius_km": 50},
        {"patient_id": "b", "diagnosis": "metastatic melanoma", "therapy": "Opdivo", "age": 40,
         "sex": "F", "lat": None, "lon": None, "radius_km": None},
        {"patient_id": "c", "diagnosis": "metastatic melanoma", "therapy": "Opdivo", "age": 3,
         "sex": "F", "lat": None, "lon": None, "radius_km": None},
        {"patient_id": "d", "diagnosis": "headache", "therapy": None, "age": None, "sex": None,
         "lat": None, "lon": None, "radius_km": None},
    ])


def test_matching_applies_type_therapy_age_sex_status_and_distance(
    synced: Path, shared_registry: SnapshotRegistry
) -> None:
    registry = shared_registry
    before = registry.request_count
    result = snapshot.match_patients(_patients(), synced, limit=1000)
    assert registry.request_count == before  # zero requests
    by_id = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in registry.studies}
    a = result[result["patient_id"] == "a"]
    assert len(a) > 0
    for _, row in a.iterrows():
        ps = by_id[row["nct_id"]]["protocolSection"]
        assert ps["conditionsModule"]["conditions"] == ["Multiple Myeloma"]
        assert ps["statusModule"]["overallStatus"] in {"RECRUITING", "NOT_YET_RECRUITING"}
        assert ps["eligibilityModule"]["sex"] in {"ALL", "FEMALE"}
        assert row["distance_km"] <= 50 and "Boston" in row["nearest_site"]
    b = result[result["patient_id"] == "b"]
    assert len(b) > 0
    for n in b["nct_id"]:
        ps = by_id[n]["protocolSection"]
        assert ps["armsInterventionsModule"]["interventions"][0]["name"] == "Nivolumab"
        assert ps["conditionsModule"]["conditions"] == ["Melanoma"]
    # The same patient aged 3: these nivolumab studies all start at 18.
    c = result[result["patient_id"] == "c"]
    assert list(c["note"]) == ["no open study matches"]
    d = result[result["patient_id"] == "d"]
    assert list(d["note"]) == ["diagnosis not recognised as a cancer type"]
    assert list(result.columns) == list(snapshot.MATCH_COLUMNS)


def test_ranking_is_by_relation_then_distance(synced: Path) -> None:
    result = snapshot.match_patients(_patients().iloc[[0]], synced, limit=5)
    assert list(result["rank"]) == [1, 2, 3, 4, 5]
    assert list(result["distance_km"]) == sorted(result["distance_km"])


def test_parquet_export_reads_in_duckdb_and_pandas(synced: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    with snapshot.open_snapshot(synced) as snap:
        snap.to_parquet(out)
        total = snap.info()["studies"]
    frame = pd.read_parquet(out / "studies.parquet")
    assert len(frame) == total and {"nct_id", "condition_types", "therapy_lineage"} <= set(
        frame.columns
    )
    con = duckdb.connect()
    count = con.execute(f"SELECT count(*) FROM read_parquet('{out / 'sites.parquet'}')").fetchall()
    con.close()
    assert count[0][0] > 0
    local = snapshot.match_patients(_patients(), synced)
    from_parquet = snapshot.match_parquet(_patients(), out)
    pd.testing.assert_frame_equal(local, from_parquet)


def test_matching_on_a_local_dask_cluster_equals_the_local_result(
    synced: Path, tmp_path: Path
) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "export"
    with snapshot.open_snapshot(synced) as snap:
        snap.to_parquet(out)
    patients = pd.concat([_patients()] * 5, ignore_index=True)
    patients["patient_id"] = [f"p{i}" for i in range(len(patients))]
    local = snapshot.match_parquet(patients, out)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address="127.0.0.1:0") as cluster, \
            distributed.Client(cluster):
        frame = dd.from_pandas(patients, npartitions=4)
        remote = snapshot.match_patients_dask(frame, out).compute()
    key = ["patient_id", "rank"]
    remote = remote.sort_values(key).reset_index(drop=True)
    expected = local.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        remote.astype(object).where(remote.notna(), None),
        expected.astype(object).where(expected.notna(), None),
    )


def test_bad_input_is_typed(synced: Path) -> None:
    from therapy_lookup import TherapyLookupError

    with pytest.raises(TherapyLookupError):
        snapshot.match_patients(pd.DataFrame({"text": ["x"]}), synced)
    with pytest.raises(TherapyLookupError):
        snapshot.match_patients(_patients(), synced, limit=0)
    with pytest.raises(TherapyLookupError):
        snapshot.sync(synced, statuses=[], progress=False)


def test_nobody_recognised_gives_one_note_each(synced: Path) -> None:
    people = pd.DataFrame({"patient_id": ["x", "y"], "diagnosis": ["headache", None]})
    result = snapshot.match_patients(people, synced)
    assert list(result["patient_id"]) == ["x", "y"]
    assert set(result["note"]) == {"diagnosis not recognised as a cancer type"}
    assert list(result.columns) == list(snapshot.MATCH_COLUMNS)


def test_patients_sharing_a_profile_keep_their_own_age_and_place(synced: Path) -> None:
    """One profile (type, therapy) is matched once; each patient's limits still apply."""
    one = _patients().iloc[[0]]
    many = pd.concat([one] * 3, ignore_index=True)
    many["patient_id"] = ["near", "child", "far"]
    many.loc[1, "age"] = 3
    many.loc[2, ["lat", "lon"]] = [48.85, 2.35]  # Paris, no Boston site within 50 km
    result = snapshot.match_patients(many, synced, limit=1000)
    alone = snapshot.match_patients(one, synced, limit=1000)
    near = result[result["patient_id"] == "near"].drop(columns="patient_id")
    pd.testing.assert_frame_equal(
        near.reset_index(drop=True), alone.drop(columns="patient_id").reset_index(drop=True)
    )
    child = result[result["patient_id"] == "child"]
    assert 0 < len(child) < len(near)  # only the studies from 6 months
    far = result[result["patient_id"] == "far"]
    assert far["nearest_site"].str.contains("Paris").all()


def test_a_non_numeric_age_is_a_typed_error(synced: Path) -> None:
    from therapy_lookup.errors import InvalidInputError

    people = _patients().assign(age=["sixty", 40, 3, None])
    with pytest.raises(InvalidInputError, match="age"):
        snapshot.match_patients(people, synced)


@pytest.mark.parametrize(
    ("diagnosis", "therapy", "options"),
    [
        ("multiple myeloma", None, {}),
        ("metastatic melanoma", "Opdivo", {"age": 40}),
        ("multiple myeloma", None, {"near": (42.36, -71.06), "radius_km": 50, "sex": "female"}),
    ],
)
def test_find_trials_on_the_snapshot_equals_the_live_finder(
    synced: Path, shared_registry: SnapshotRegistry, tmp_path: Path,
    diagnosis: str, therapy: str | None, options: dict[str, object],
) -> None:
    from therapy_lookup.answers.trials import find_trials

    with _client(shared_registry.url, tmp_path) as client:
        live = find_trials(diagnosis, therapy, client=client, limit=1000, **options)
    before = shared_registry.request_count
    with snapshot.open_snapshot(synced) as snap:
        local = snap.find_trials(diagnosis, therapy, limit=1000, **options)
    assert shared_registry.request_count == before  # zero requests
    assert type(local) is type(live) and len(live.matches) > 0
    assert [(m.study.nct_id, m.score, m.reasons) for m in local.matches] == [
        (m.study.nct_id, m.score, m.reasons) for m in live.matches
    ]
    assert local.cancer_type == live.cancer_type and local.therapy == live.therapy
    assert "snapshot of 2026-09-11 09:00:04 UTC" in local.message
    assert local.cached_at is not None
    assert local.cached_at.isoformat() == "2026-09-11T09:00:04+00:00"
    assert local.from_cache and not local.registry_reachable and local.complete


def test_find_trials_without_a_snapshot_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(snapshot.SnapshotError, match="no snapshot"):
        snapshot.find_trials("melanoma", path=tmp_path / "none")


def test_a_progress_bar_on_a_terminal_and_none_when_piped(
    registry: SnapshotRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("tqdm")
    import sys

    with _client(registry.url, tmp_path) as client:
        snapshot.sync(tmp_path / "piped", client=client)
        assert capsys.readouterr().err == ""  # stderr is not a terminal here
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
        snapshot.sync(tmp_path / "terminal", client=client)
    err = capsys.readouterr().err
    assert "ClinicalTrials.gov" in err and f"/{_open_count(registry)}" in err
