"""The curated catalog: therapy classes, products, approvals and safety facts, validated once.

Run ``python -m therapy_lookup.lint --check`` to list every bad record in ``data/``, and
``python -m therapy_lookup.lint --format`` to rewrite the tables in their canonical form.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import BaseModel

from ..collector import pausing_collector
from ..errors import DataError, RecordError
from . import table_store
from . import tables as _tables
from .cancer_types import CancerTypeTree, load_cancer_types
from .models import Approval, CoverageScope, Product, SafetyFact, TherapyClass

__all__ = ["Catalog", "format_tables", "load_catalog"]

#: Tables of this module: name in ``data/`` → record model and the column rows are sorted by.
TABLES: dict[str, tuple[type[BaseModel], str]] = {
    "therapy_classes": (TherapyClass, "id"),
    "products": (Product, "id"),
    "approvals": (Approval, "id"),
    "safety": (SafetyFact, "id"),
    "scope": (CoverageScope, "id"),
}


class Catalog:
    """The curated tables, cross-checked, with the indexes the answers need.

    Build one with :meth:`load` (the packaged tables) or directly from records (tests).
    """

    def __init__(
        self,
        *,
        therapy_classes: Iterable[TherapyClass],
        products: Iterable[Product],
        approvals: Iterable[Approval],
        safety: Iterable[SafetyFact],
        cancer_types: CancerTypeTree,
        scope: Iterable[CoverageScope] = (),
    ) -> None:
        """Index the records and check the references between them (raises DataError)."""
        self.cancer_types = cancer_types
        self.therapy_classes: dict[str, TherapyClass] = {c.id: c for c in therapy_classes}
        self.products: dict[str, Product] = {p.id: p for p in products}
        self.approvals: dict[str, Approval] = {a.id: a for a in approvals}
        self.safety: dict[str, SafetyFact] = {s.id: s for s in safety}
        self.scope: dict[str, CoverageScope] = {s.id: s for s in scope}
        self.check()
        self._class_lineages: dict[str, tuple[str, ...]] = {}
        for class_id in self.therapy_classes:
            line = [class_id]
            parent = self.therapy_classes[class_id].parent
            while parent is not None and parent not in line:
                line.append(parent)
                parent = self.therapy_classes[parent].parent
            self._class_lineages[class_id] = tuple(line)
        # An umbrella class (immunotherapy) also holds the classes it includes, and theirs;
        # it is not their parent, so lineages stay single-parent chains.
        umbrellas: defaultdict[str, set[str]] = defaultdict(set)
        for class_id, c in self.therapy_classes.items():
            for included in c.includes:
                for other, chain in self._class_lineages.items():
                    if included in chain:
                        umbrellas[other].add(class_id)
        self._class_umbrellas = {k: frozenset(v) for k, v in umbrellas.items()}
        by_product: defaultdict[str, list[Approval]] = defaultdict(list)
        for approval in self.approvals.values():
            by_product[approval.product].append(approval)
        self._approvals_by_product = {k: tuple(v) for k, v in by_product.items()}
        safety_by_product: defaultdict[str, list[SafetyFact]] = defaultdict(list)
        for fact in self.safety.values():
            for product in fact.products:
                safety_by_product[product].append(fact)
        self._safety_by_product = {k: tuple(v) for k, v in safety_by_product.items()}

    @classmethod
    def load(cls) -> Catalog:
        """Load and validate the packaged tables; every bad record is listed in one DataError.

        The rows come from the stored tables (:mod:`.table_store`) when they were validated
        from these same files by this same code, else they are validated here.
        """
        stored = {name: table_store.rows(name) for name in TABLES}
        records: dict[str, list[BaseModel]] = {}
        for name, rows in stored.items():
            if rows is None:
                records = validated_records()
                break
            records[name] = rows
        return cls.from_records(records, load_cancer_types())

    @classmethod
    def from_records(
        cls, records: dict[str, list[BaseModel]], cancer_types: CancerTypeTree
    ) -> Catalog:
        """The catalog of validated rows by table name (as :func:`validated_records` gives)."""
        return cls(
            therapy_classes=[r for r in records["therapy_classes"] if isinstance(r, TherapyClass)],
            products=[r for r in records["products"] if isinstance(r, Product)],
            approvals=[r for r in records["approvals"] if isinstance(r, Approval)],
            safety=[r for r in records["safety"] if isinstance(r, SafetyFact)],
            cancer_types=cancer_types,
            scope=[r for r in records["scope"] if isinstance(r, CoverageScope)],
        )

    def with_cancer_types(self, cancer_types: CancerTypeTree) -> Catalog:
        """The same records over another cancer type tree (one holding every type they name).

        For a tree extended with OncoTree; raises :class:`DataError` if a type is missing.
        """
        return Catalog(
            therapy_classes=self.therapy_classes.values(),
            products=self.products.values(),
            approvals=self.approvals.values(),
            safety=self.safety.values(),
            cancer_types=cancer_types,
            scope=self.scope.values(),
        )

    @cached_property
    def as_of(self) -> dt.date:
        """The date the newest fact was checked: the tables' as-of date."""
        dates = [a.checked_on for a in self.approvals.values()]
        dates += [p.checked_on for p in self.products.values()]
        return max(dates) if dates else dt.date.min

    def check(self) -> None:
        """Check references between the tables; raise DataError listing every broken one."""
        errors: list[RecordError] = []
        for c in self.therapy_classes.values():
            if c.parent is not None and c.parent not in self.therapy_classes:
                errors.append(_ref("therapy_classes", c.id, f"unknown parent {c.parent!r}"))
            for included in c.includes:
                if included not in self.therapy_classes:
                    errors.append(_ref("therapy_classes", c.id, f"unknown class {included!r}"))
        for c in self.therapy_classes.values():
            seen = {c.id}
            parent = c.parent
            while parent is not None and parent in self.therapy_classes:
                if parent in seen:
                    errors.append(_ref("therapy_classes", c.id, "parent chain has a cycle"))
                    break
                seen.add(parent)
                parent = self.therapy_classes[parent].parent
        for p in self.products.values():
            if p.therapy_class not in self.therapy_classes:
                errors.append(_ref("products", p.id, f"unknown therapy_class {p.therapy_class!r}"))
        for a in self.approvals.values():
            if a.product not in self.products:
                errors.append(_ref("approvals", a.id, f"unknown product {a.product!r}"))
            for t in (*a.cancer_types, *a.excluded_types):
                if t not in self.cancer_types:
                    errors.append(_ref("approvals", a.id, f"unknown cancer type {t!r}"))
            if a.min_age is not None and a.max_age is not None and a.min_age > a.max_age:
                errors.append(_ref("approvals", a.id, "min_age is above max_age"))
            if a.converted_on is not None and _before(a.converted_on, a.date):
                errors.append(_ref("approvals", a.id, "converted_on is before the approval date"))
            if a.status_date is not None and _before(a.status_date, a.date):
                errors.append(_ref("approvals", a.id, "status_date is before the approval date"))
            if _before(a.checked_on.isoformat(), a.date):
                errors.append(_ref("approvals", a.id, "date is after checked_on"))
        for s in self.safety.values():
            for product in s.products:
                if product not in self.products:
                    errors.append(_ref("safety", s.id, f"unknown product {product!r}"))
        for sc in self.scope.values():
            if sc.therapy_class not in self.therapy_classes:
                errors.append(_ref("scope", sc.id, f"unknown therapy_class {sc.therapy_class!r}"))
            for t in sc.cancer_types:
                if t not in self.cancer_types:
                    errors.append(_ref("scope", sc.id, f"unknown cancer type {t!r}"))
        if errors:
            raise DataError(errors)

    def class_lineage(self, class_id: str) -> list[str]:
        """The class id followed by its ancestors' ids."""
        return list(self._class_lineages[class_id])

    def class_is_a(self, class_id: str, other_id: str) -> bool:
        """Whether class ``class_id`` is ``other_id``, narrower, or in umbrella ``other_id``."""
        return other_id in self._class_lineages[class_id] or other_id in self._class_umbrellas.get(
            class_id, frozenset()
        )

    def approvals_for_product(self, product_id: str) -> tuple[Approval, ...]:
        """Every approval row (of any status) of one product."""
        return self._approvals_by_product.get(product_id, ())

    def safety_for_product(self, product_id: str) -> tuple[SafetyFact, ...]:
        """Safety and regulatory facts concerning one product."""
        return self._safety_by_product.get(product_id, ())

    def products_in_class(self, class_id: str) -> list[Product]:
        """Products whose class is ``class_id`` or narrower, sorted by id."""
        return sorted(
            (p for p in self.products.values() if self.class_is_a(p.therapy_class, class_id)),
            key=lambda p: p.id,
        )


def validated_records() -> dict[str, list[BaseModel]]:
    """Every row of the catalog's tables, validated, ids unique; raise :class:`DataError`.

    References between the tables are checked by :class:`Catalog` itself.
    """
    errors: list[RecordError] = []
    records: dict[str, list[BaseModel]] = {}
    for name, (model, key) in TABLES.items():
        rows = _tables.parse_rows(model, _tables.table_files(name), key=key, errors=errors)
        records[name] = list(rows)
        _check_unique(name, [getattr(r, key) for r in rows], errors)
    if errors:
        raise DataError(errors)
    return records


def _before(first: str, second: str) -> bool:
    """Whether partial date ``first`` is surely before ``second`` (at the coarser precision)."""
    n = min(len(first), len(second))
    return first[:n] < second[:n]


def _ref(table: str, key: str, message: str) -> RecordError:
    return RecordError(table, 0, key, message)


def _check_unique(table: str, keys: Sequence[str], errors: list[RecordError]) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            errors.append(RecordError(table, 0, key, "duplicate id"))
        seen.add(key)


@lru_cache(maxsize=1)
@pausing_collector
def load_catalog() -> Catalog:
    """The packaged catalog, loaded and validated once per process."""
    return Catalog.load()


def format_tables(*, write: bool = True) -> list[str]:
    """Rewrite the catalog's tables in canonical form; return the files that (would) change."""
    changed: list[str] = []
    for name, (model, key) in TABLES.items():
        for file in _tables.table_files(name):
            path = Path(str(file))
            _, rows = _tables.read_csv_rows(file)
            rows.sort(key=lambda r: r.get(key, ""))
            text = _tables.dump_csv(model, rows)
            if path.read_text(encoding="utf-8") != text:
                if write:
                    path.write_text(text, encoding="utf-8")
                changed.append(str(path))
    return changed


