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
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidInputError, TherapyLookupError
from ..knowledge.catalog import Catalog, load_catalog
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

# Set-based: the patients' type keys are joined with the studies' unnested condition keys
# (hash joins, not a patients x studies loop of list functions), the remaining filters apply
# to those pairs only, and distances are computed only for the candidate pairs' sites.
# Side 1: the patient's type is one of the study's types or their ancestors (same / subtype);
# side 2: one of the study's types is in the patient's lineage (broader type or basket).
_QUERY = """
WITH p AS (SELECT * FROM patients WHERE x_id IS NOT NULL),
s AS (SELECT * FROM studies WHERE list_contains($statuses, status)),
pk AS (
    SELECT pid, x_id AS key, 1 AS side FROM p
    UNION ALL SELECT pid, unnest(x_lineage) AS key, 2 AS side FROM p
),
sk AS (
    SELECT nct_id, unnest(condition_ancestors) AS key, 1 AS side FROM s
    UNION ALL SELECT nct_id, unnest(condition_types) AS key, 2 AS side FROM s
),
pairs AS (
    SELECT DISTINCT pk.pid, sk.nct_id FROM pk JOIN sk ON pk.key = sk.key AND pk.side = sk.side
),
cand AS (
    SELECT p.pid, s.nct_id, s.title, s.status, s.therapy_classes, p.lat, p.lon, p.radius_km,
        CASE WHEN list_contains(s.condition_types, p.x_id) THEN 'same'
             WHEN list_contains(s.condition_ancestors, p.x_id) THEN 'subtype'
             ELSE 'broader' END AS relation
    FROM pairs JOIN p ON p.pid = pairs.pid JOIN s ON s.nct_id = pairs.nct_id
    WHERE (p.k_class IS NULL OR list_contains(s.therapy_lineage, p.k_class))
        AND (p.k_product IS NULL OR list_contains(s.products, p.k_product))
        AND (p.age IS NULL OR ((s.min_age IS NULL OR s.min_age <= p.age)
                               AND (s.max_age IS NULL OR s.max_age >= p.age)))
        AND (p.sex IS NULL OR s.sex IS NULL OR s.sex = 'ALL' OR s.sex = p.sex)
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
        FROM cand c JOIN sites site ON site.nct_id = c.nct_id
        WHERE c.lat IS NOT NULL AND site.lat IS NOT NULL
            AND (site.status IS NULL OR list_contains($site_statuses, site.status))
    )
    GROUP BY pid, nct_id
)
SELECT c.pid, c.nct_id, c.title, c.status, c.relation, c.therapy_classes,
    round(dist.best.km, 1) AS distance_km, dist.best.site AS nearest_site,
    CASE c.relation WHEN 'same' THEN 3.0 WHEN 'subtype' THEN 2.0 ELSE 1.0 END AS score
FROM cand c LEFT JOIN dist ON dist.pid = c.pid AND dist.nct_id = c.nct_id
WHERE c.radius_km IS NULL OR dist.best.km <= c.radius_km
QUALIFY row_number() OVER (
    PARTITION BY c.pid ORDER BY score DESC, dist.best.km ASC NULLS LAST, c.nct_id
) <= $limit
ORDER BY c.pid, score DESC, distance_km ASC NULLS LAST, c.nct_id
"""


@functools.lru_cache(maxsize=4)
def _therapy_resolver(catalog: Catalog) -> TherapyResolver:
    return TherapyResolver(catalog)


def _value(record: Mapping[Any, Any], name: str) -> Any:
    """A patient's field, with pandas' missing values (NaN, None, NaT) as ``None``."""
    import pandas as pd

    value = record.get(name)
    try:
        return None if value is None or pd.isna(value) else value
    except (TypeError, ValueError):  # a list-like value: not a missing marker
        return value


def _patients_table(
    patients: pandas.DataFrame, catalog: Catalog, resolver: DiagnosisResolver
) -> tuple[pandas.DataFrame, dict[Any, str]]:
    """One row per patient with what the query needs; plus a note per unmatched patient."""
    import pandas as pd

    if "diagnosis" not in patients.columns:
        raise InvalidInputError("patients need a 'diagnosis' column")
    ids = list(patients["patient_id"] if "patient_id" in patients.columns else patients.index)
    texts = ["" if pd.isna(t) else str(t) for t in patients["diagnosis"]]
    unique = sorted({t for t in texts if t.strip()})
    resolved = dict(zip(unique, resolver.resolve_many(unique), strict=True))
    therapies = _therapy_resolver(catalog)
    tree = catalog.cancer_types
    rows: list[dict[str, Any]] = []
    notes: dict[Any, str] = {}
    records = patients.to_dict("records")
    for pid, text, record in zip(ids, texts, records, strict=True):
        match = resolved.get(text)
        row: dict[str, Any] = {"pid": pid, "x_id": None, "x_lineage": [], "k_class": None,
                               "k_product": None}
        if match is None:
            notes[pid] = "diagnosis not recognised as a cancer type"
        else:
            row["x_id"] = match.cancer_type.id
            row["x_lineage"] = tree.lineage(match.cancer_type.id)
        therapy = _value(record, "therapy")
        if therapy is not None and str(therapy).strip() and row["x_id"] is not None:
            try:
                ref = therapies.resolve(str(therapy))
            except TherapyLookupError:
                notes[pid] = f"therapy {therapy!r} not recognised"
                row["x_id"] = None
            else:
                if ref.kind is TherapyKind.PRODUCT:
                    row["k_product"] = ref.id
                elif ref.id != "systemic_therapy":
                    row["k_class"] = ref.id
        age = _value(record, "age")
        row["age"] = float(age) if age is not None else None
        sex = _value(record, "sex")
        row["sex"] = {"F": "FEMALE", "M": "MALE"}.get(str(sex).upper()[:1]) if sex else None
        lat, lon = _value(record, "lat"), _value(record, "lon")
        row["lat"] = float(lat) if lat is not None else None
        row["lon"] = float(lon) if lon is not None else None
        radius = _value(record, "radius_km")
        row["radius_km"] = float(radius) if radius is not None else None
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["pid", "x_id", "x_lineage", "k_class", "k_product", "age",
                                        "sex", "lat", "lon", "radius_km"])
    return frame, notes


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
    table, notes = _patients_table(patients, catalog, resolver)
    con.register("patients", table)
    try:
        found = con.execute(
            _QUERY, {"statuses": wanted, "site_statuses": [*wanted, "RECRUITING"], "limit": limit}
        ).df()
    finally:
        con.unregister("patients")
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
