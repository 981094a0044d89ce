"""Match many patients to a snapshot's studies at once: one DuckDB query, zero requests.

Each patient (diagnosis text, and optionally therapy, age, sex, location and radius) is read once
(diagnoses resolved in a batch, therapies looked up), then every patient is joined with every
study in a single query: the study's conditions must be the patient's cancer type, a subtype of
it, or a broader type or basket that holds it; its therapy classes must include the asked one
(or narrower); its age and sex limits and status must admit the patient; and, with a location,
its nearest site must lie within the radius. Results are ranked by that relation, then distance.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError, TherapyLookupError
from ..knowledge.catalog import Catalog, load_catalog
from ..knowledge.models import ANY_THERAPY
from ..knowledge.therapies import TherapyKind, TherapyResolver
from ..resolver import DiagnosisResolver, default_resolver

if TYPE_CHECKING:  # pragma: no cover - typing only
    import duckdb
    import pandas

__all__ = ["MATCH_COLUMNS", "match_patients_on"]

MATCH_COLUMNS = (
    "patient_id", "nct_id", "title", "status", "relation", "therapy_classes",
    "distance_km", "nearest_site", "score", "rank", "note",
)
"""Columns of :func:`~therapy_lookup.snapshot.match_patients`' result, in order."""

_RELATION_SCORE = {"same": 3.0, "subtype": 2.0, "broader": 1.0}

# Set-based, in three narrowing steps. (1) Each distinct *profile* (cancer type, therapy class
# or product) is matched to studies once: the profiles' type keys are hash-joined with the
# studies' unnested condition keys, then the therapy filter applies. Side 1: the patient's type
# is one of the study's types or their ancestors (same / subtype); side 2: one of the study's
# types is in the patient's lineage (broader type or basket). (2) Patients join their profile's
# studies with the age and sex limits as plain column comparisons. (3) Distances are computed
# only for candidate pairs of patients with a location; the top ``limit`` per patient are kept
# (narrow rows), and titles and classes joined back at the end.
_QUERY = """
WITH s AS (
    SELECT * FROM studies WHERE list_contains($statuses, status) AND purpose = 'treatment'
),
pk AS (
    SELECT prof, x_id AS key, 1 AS side FROM profiles
    UNION ALL SELECT prof, unnest(x_lineage) AS key, 2 AS side FROM profiles
),
sk AS (
    SELECT nct_id, unnest(condition_ancestors) AS key, 1 AS side FROM s
    UNION ALL SELECT nct_id, unnest(condition_types) AS key, 2 AS side FROM s
),
pairs AS (
    SELECT DISTINCT pk.prof, sk.nct_id FROM pk JOIN sk ON pk.key = sk.key AND pk.side = sk.side
),
ps AS (
    SELECT pairs.prof, s.nct_id, s.min_age, s.max_age, s.sex,
        CASE WHEN list_contains(s.condition_types, f.x_id) THEN 'same'
             WHEN list_contains(s.condition_ancestors, f.x_id) THEN 'subtype'
             ELSE 'broader' END AS relation
    FROM pairs JOIN profiles f ON f.prof = pairs.prof JOIN s ON s.nct_id = pairs.nct_id
    WHERE (f.k_class IS NULL OR list_contains(s.therapy_lineage, f.k_class))
        AND (f.k_product IS NULL OR list_contains(s.products, f.k_product))
),
cand AS (
    SELECT p.pid, ps.nct_id, ps.relation, p.lat, p.lon, p.radius_km,
        CASE ps.relation WHEN 'same' THEN 3.0 WHEN 'subtype' THEN 2.0 ELSE 1.0 END AS score
    FROM patients p JOIN ps ON ps.prof = p.prof
    WHERE (p.age IS NULL OR ((ps.min_age IS NULL OR ps.min_age <= p.age)
                             AND (ps.max_age IS NULL OR ps.max_age >= p.age)))
        AND (p.sex IS NULL OR ps.sex IS NULL OR ps.sex = 'ALL' OR ps.sex = p.sex)
),
dist AS (
    SELECT pid, nct_id, min({'km': km, 'site': site}) AS best
    FROM (
        SELECT c.pid, c.nct_id,
            concat_ws(', ', site.facility, site.city, site.country) AS site,
            2 * 6371.0088 * asin(sqrt(
                pow(sin(radians(site.lat - c.lat) / 2), 2)
                + cos(radians(c.lat)) * cos(radians(site.lat))
                  * pow(sin(radians(site.lon - c.lon) / 2), 2))) AS km
        FROM (SELECT pid, nct_id, lat, lon FROM cand WHERE lat IS NOT NULL) c
        JOIN sites site ON site.nct_id = c.nct_id
        WHERE site.lat IS NOT NULL
            AND (site.status IS NULL OR list_contains($site_statuses, site.status))
    )
    GROUP BY pid, nct_id
),
ranked AS (
    SELECT c.pid, c.nct_id, c.relation, c.score, dist.best.km AS km, dist.best.site AS site
    FROM cand c LEFT JOIN dist ON dist.pid = c.pid AND dist.nct_id = c.nct_id
    WHERE c.radius_km IS NULL OR dist.best.km <= c.radius_km
),
top AS (
    SELECT pid, unnest(min_by(
        {'nct_id': nct_id, 'relation': relation, 'score': score, 'km': km, 'site': site},
        {'score': -score, 'km': coalesce(km, 'infinity'::DOUBLE), 'nct_id': nct_id},
        $limit), recursive := true)
    FROM ranked GROUP BY pid
)
SELECT t.pid, t.nct_id, s.title, s.status, t.relation, s.therapy_classes,
    round(t.km, 1) AS distance_km, t.site AS nearest_site, t.score
FROM top t JOIN s ON s.nct_id = t.nct_id
ORDER BY t.pid, t.score DESC, t.km ASC NULLS LAST, t.nct_id
"""


@functools.lru_cache(maxsize=4)
def _therapy_resolver(catalog: Catalog) -> TherapyResolver:
    return TherapyResolver(catalog)


def _numbers(patients: pandas.DataFrame, name: str) -> list[float | None]:
    """A numeric column as floats, missing values (and a missing column) as ``None``."""
    import pandas as pd

    if name not in patients.columns:
        return [None] * len(patients)
    try:
        values = pd.to_numeric(patients[name], errors="raise").astype("float64")
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"patients' {name!r} column must be numbers: {exc}") from exc
    return [None if pd.isna(v) else float(v) for v in values]


def _texts(patients: pandas.DataFrame, name: str) -> list[str | None]:
    """A text column, missing values (and blank text) as ``None``."""
    import pandas as pd

    if name not in patients.columns:
        return [None] * len(patients)
    out: list[str | None] = []
    for value in patients[name]:
        missing = value is None or (not isinstance(value, str) and bool(pd.isna(value)))
        out.append(None if missing or not str(value).strip() else str(value))
    return out


_SEX = {"F": "FEMALE", "M": "MALE"}


def _patients_table(
    patients: pandas.DataFrame, catalog: Catalog, resolver: DiagnosisResolver
) -> tuple[pandas.DataFrame, pandas.DataFrame, dict[Any, str]]:
    """The patients and their distinct profiles as the query needs them, and notes.

    A note is kept for each patient who cannot be matched. Each distinct diagnosis text is
    resolved once (in one batch) and each distinct therapy text once; patients with the same
    type and therapy share one profile.
    """
    import pandas as pd

    if "diagnosis" not in patients.columns:
        raise InvalidInputError("patients need a 'diagnosis' column")
    ids = list(patients["patient_id"] if "patient_id" in patients.columns else patients.index)
    texts = [t or "" for t in _texts(patients, "diagnosis")]
    unique = sorted(set(texts) - {""})
    resolved = dict(zip(unique, resolver.resolve_many(unique), strict=True))
    therapies = _therapy_resolver(catalog)
    tree = catalog.cancer_types
    therapy_of: dict[str, tuple[str | None, str | None] | None] = {}
    profiles: dict[tuple[str, str | None, str | None], int] = {}
    notes: dict[Any, str] = {}
    prof_ids: list[int | None] = []
    for pid, text, therapy in zip(ids, texts, _texts(patients, "therapy"), strict=True):
        match = resolved.get(text)
        if match is None:
            notes[pid] = "diagnosis not recognised as a cancer type"
            prof_ids.append(None)
            continue
        wanted: tuple[str | None, str | None] = (None, None)
        if therapy is not None:
            if therapy not in therapy_of:
                try:
                    ref = therapies.resolve(therapy)
                except TherapyLookupError:
                    therapy_of[therapy] = None
                else:
                    if ref.kind is TherapyKind.PRODUCT:
                        therapy_of[therapy] = (None, ref.id)
                    else:
                        therapy_of[therapy] = (
                            None if ref.id == ANY_THERAPY else ref.id, None
                        )
            known = therapy_of[therapy]
            if known is None:
                notes[pid] = f"therapy {therapy!r} not recognised"
                prof_ids.append(None)
                continue
            wanted = known
        key = (match.cancer_type.id, wanted[0], wanted[1])
        prof_ids.append(profiles.setdefault(key, len(profiles)))
    table = pd.DataFrame({
        "pid": ids,
        "prof": pd.array(prof_ids, dtype="Int64"),
        "age": _numbers(patients, "age"),
        "sex": [_SEX.get(s.upper()[:1]) if s else None for s in _texts(patients, "sex")],
        "lat": _numbers(patients, "lat"),
        "lon": _numbers(patients, "lon"),
        "radius_km": _numbers(patients, "radius_km"),
    })
    profile_table = pd.DataFrame(
        [
            {"prof": n, "x_id": x_id, "x_lineage": tree.lineage(x_id), "k_class": k_class,
             "k_product": k_product}
            for (x_id, k_class, k_product), n in profiles.items()
        ],
        columns=["prof", "x_id", "x_lineage", "k_class", "k_product"],
    )
    return table, profile_table, notes


def match_patients_on(
    con: duckdb.DuckDBPyConnection,
    patients: pandas.DataFrame,
    *,
    statuses: Iterable[str],
    limit: int = 50,
    catalog: Catalog | None = None,
    resolver: DiagnosisResolver | None = None,
) -> pandas.DataFrame:
    """Match ``patients`` against the ``studies`` and ``sites`` tables (or views) of ``con``."""
    import pandas as pd

    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInputError("limit must be a positive int")
    wanted = sorted(statuses)
    if not wanted:
        raise InvalidInputError("statuses must name at least one status")
    catalog = catalog if catalog is not None else load_catalog()
    resolver = resolver if resolver is not None else default_resolver()
    table, profiles, notes = _patients_table(patients, catalog, resolver)
    if len(profiles):
        con.register("patients", table)
        con.register("profiles", profiles)
        try:
            found = con.execute(
                _QUERY,
                {"statuses": wanted, "site_statuses": [*wanted, "RECRUITING"], "limit": limit},
            ).df()
        finally:
            con.unregister("patients")
            con.unregister("profiles")
    else:  # nobody to match: an empty list column would not tell DuckDB its type
        found = pd.DataFrame(columns=["pid", *MATCH_COLUMNS[1:9]])
    found = found.rename(columns={"pid": "patient_id"})
    found["rank"] = found.groupby("patient_id").cumcount() + 1
    found["note"] = None
    matched = set(found["patient_id"])  # once: a set per patient made this quadratic
    missing = [pid for pid in table["pid"] if pid not in matched]
    extra = pd.DataFrame(
        [{"patient_id": pid, "note": notes.get(pid, "no open study matches")} for pid in missing],
        columns=["patient_id", "note"],
    )
    out = pd.concat([found, extra], ignore_index=True) if len(extra) else found
    for column in MATCH_COLUMNS:
        if column not in out.columns:
            out[column] = None
    result: pandas.DataFrame = out[list(MATCH_COLUMNS)].reset_index(drop=True)
    return result


def parquet_views(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """Define ``studies`` and ``sites`` views over a Parquet export in ``folder``."""
    for table in ("studies", "sites"):
        path = folder / f"{table}.parquet"
        if not path.is_file():
            raise InvalidInputError(f"{folder} is not a snapshot export (no {path.name})")
        literal = "'" + str(path).replace("'", "''") + "'"
        con.execute(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet({literal})")
