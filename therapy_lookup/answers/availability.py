"""Answers to "is therapy X available for cancer Y in region R?" from the curated tables."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..errors import InvalidRegionError, UnknownDiagnosisError
from ..knowledge.biomarkers import load_biomarkers
from ..knowledge.cancer_types import CancerTypeTree, load_cancer_type_names
from ..knowledge.catalog import Catalog, load_catalog
from ..knowledge.models import (
    AGENCY_REGION,
    REGIONS,
    Agency,
    Approval,
    CancerType,
    CoverageScope,
    Product,
    SafetyFact,
    Stage,
)
from ..knowledge.oncotree import OncoTreeNode
from ..knowledge.therapies import TherapyKind, TherapyRef, TherapyResolver
from ..resolver import DiagnosisMatch, DiagnosisResolver, default_resolver

__all__ = [
    "DISCLAIMER",
    "ApprovalMatch",
    "Availability",
    "AvailabilityService",
    "AvailabilityStatus",
    "Coverage",
    "ProductSummary",
    "RelatedApproval",
    "RelatedReason",
    "check_availability",
    "default_service",
]

DISCLAIMER = (
    "Not medical advice. therapy_lookup reports regulatory facts from public sources with the "
    "date each was checked; approvals change, and whether a treatment suits a patient is a "
    "question for their care team."
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_T = TypeVar("_T")


class AvailabilityStatus(str, Enum):
    """The short answer."""

    APPROVED = "approved"
    """Approved in the region for the asked cancer type (or a broader type covering it)."""
    APPROVED_FOR_SUBTYPE = "approved_for_subtype"
    """Approved in the region, but only for some subtypes of the asked (broader) type."""
    APPROVED_ELSEWHERE = "approved_elsewhere"
    """Not approved in the region, but approved by another agency."""
    NOT_APPROVED = "not_approved"
    """No approval on record, by any agency, for this type or its subtypes."""


class Coverage(str, Enum):
    """How an approval relates to the asked cancer type."""

    COVERS = "covers"
    """The approval covers the asked type (it names it or a broader type)."""
    SUBTYPE = "subtype"
    """The approval covers only a subtype of the asked type."""


class ProductSummary(BaseModel):
    """The names and class of a product, as shown in answers."""

    model_config = _FROZEN

    id: str = Field(description="Product id.")
    brand_name: str | None = Field(description="Brand name, if any.")
    generic_name: str = Field(description="Generic (INN) name.")
    therapy_class: str = Field(description="Therapy class id.")
    therapy_class_name: str = Field(description="Therapy class display name.")


class ApprovalMatch(BaseModel):
    """An approval row that answers the question, with how it relates to the asked type."""

    model_config = _FROZEN

    approval: Approval = Field(description="The approval row, with its conditions.")
    product: ProductSummary = Field(description="The product approved.")
    coverage: Coverage = Field(description="Whether it covers the asked type or a subtype.")
    covered_types: tuple[str, ...] = Field(description="Names of the types the approval covers.")
    biomarker_stated: bool | None = Field(
        description="None when no biomarker is required; else whether the diagnosis text "
        "named one of the required biomarkers."
    )
    stage_stated: bool | None = Field(
        default=None,
        description="None when the label names no stage; else whether the diagnosis text "
        "named one of the label's stages (e.g. extensive-stage).",
    )


class RelatedReason(str, Enum):
    """Why a related approval is shown."""

    SAME_CLASS_RELATED_TYPE = "same_class_related_type"
    """The asked therapy class, approved for a related cancer type."""
    BROADER_CLASS_SAME_TYPE = "broader_class_same_type"
    """Another therapy of the broader class (e.g. another cell therapy) for this type."""
    BROADER_CLASS_RELATED_TYPE = "broader_class_related_type"
    """Another therapy of the broader class, approved for a related cancer type."""
    OTHER_CLASS_SAME_TYPE = "other_class_same_type"
    """A therapy of another class approved for this type."""
    OTHER_STAGE = "other_stage"
    """The asked therapy, approved for this type, but only at another stage than the one stated."""


class RelatedApproval(BaseModel):
    """An approval worth knowing about that does not answer the question itself."""

    model_config = _FROZEN

    approval: Approval = Field(description="The approval row.")
    product: ProductSummary = Field(description="The product approved.")
    reason: RelatedReason = Field(description="Why it is shown.")
    covered_types: tuple[str, ...] = Field(description="Names of the types the approval covers.")


class Availability(BaseModel):
    """The answer to "is therapy X available for cancer Y in region R?"."""

    model_config = _FROZEN

    diagnosis_text: str = Field(description="The diagnosis as asked.")
    cancer_type: CancerType = Field(description="The cancer type the diagnosis resolved to.")
    diagnosis_match: DiagnosisMatch | None = Field(
        description="How the text was resolved (None when a cancer type was passed)."
    )
    therapy: TherapyRef = Field(description="The therapy class or product asked about.")
    region: str = Field(description="Region code asked about, or 'any'.")
    status: AvailabilityStatus = Field(description="The short answer.")
    products: tuple[ProductSummary, ...] = Field(description="Approved products that answer.")
    approvals: tuple[ApprovalMatch, ...] = Field(description="Approval rows that answer.")
    approved_elsewhere: tuple[ApprovalMatch, ...] = Field(
        description="Active approvals by agencies outside the region."
    )
    other_decisions: tuple[ApprovalMatch, ...] = Field(
        description="Withdrawn, refused (CRL) or pending filings for this question."
    )
    related: tuple[RelatedApproval, ...] = Field(description="Related approvals in the region.")
    safety: tuple[SafetyFact, ...] = Field(description="Safety facts on the products answered.")
    tables_complete: bool = Field(
        description="Whether the tables aim to hold every approval for this therapy, type and "
        "region; when False, other approvals may exist and 'not approved' is not a 'no'."
    )
    coverage_note: str = Field(description="What the tables cover for this question.")
    as_of: dt.date = Field(description="The tables' as-of date.")
    sources: tuple[str, ...] = Field(description="Sources of the rows the answer rests on.")
    summary: str = Field(description="The answer in one paragraph of plain language.")
    disclaimer: str = Field(default=DISCLAIMER, description="Not medical advice.")


class AvailabilityService:
    """Availability answers over an injectable catalog and resolvers.

    The service answers from its own catalog's cancer type tree, and resolves diagnoses over
    that same tree: nothing done to another resolver (the process-wide one included) changes
    its answers. :meth:`extend_with_oncotree` gives a new service over a full OncoTree release.
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        diagnoses: DiagnosisResolver | None = None,
        therapies: TherapyResolver | None = None,
    ) -> None:
        """Use ``catalog``; the resolvers default to ones built on it (and its tree)."""
        self.catalog = catalog
        self._given_diagnoses = diagnoses
        self._diagnoses: DiagnosisResolver | None = None
        self.therapies = therapies if therapies is not None else TherapyResolver(catalog)
        self._lineages: dict[str, frozenset[str]] = {}
        # Per approval: the types it names, the types at or above them, the types it excludes.
        self._spans: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        self._kinds: dict[str, frozenset[str]] = {}
        self._active: dict[str, list[tuple[Approval, Product]]] = {}
        self._class_is: dict[tuple[str, str], bool] = {}
        self._summaries: dict[str, ProductSummary] = {}
        # Related approvals per (type, therapy, region): the tables do not change under a service.
        self._related_memo: dict[tuple[str, str, str], list[RelatedApproval]] = {}
        self._by_type: dict[str, list[Approval]] | None = None
        self._product_ids: dict[str, frozenset[str]] = {}
        self._candidates_of: dict[str, list[Approval]] = {}

    @property
    def tree(self) -> CancerTypeTree:
        """The cancer type hierarchy."""
        return self.catalog.cancer_types

    @property
    def diagnoses(self) -> DiagnosisResolver:
        """The diagnosis resolver: the one given, else one over this service's tree.

        The packaged resolver is shared while it indexes exactly this tree (no second index is
        built); once it indexes another (after ``extend_with_oncotree``), the service builds
        its own from its tree and the packaged names.
        """
        if self._given_diagnoses is not None:
            return self._given_diagnoses
        shared = default_resolver()
        if shared.tree is self.tree:
            return shared
        own = self._diagnoses
        if own is None or own.tree is not self.tree:
            own = self._diagnoses = DiagnosisResolver(self.tree, load_cancer_type_names())
        return own

    def extend_with_oncotree(
        self, source: str | Path | dict[str, Any] | list[Any] | Sequence[OncoTreeNode]
    ) -> AvailabilityService:
        """A new service whose tree and resolver also hold a full OncoTree release's types.

        This service is left as it is. ``source`` is what
        :meth:`DiagnosisResolver.extend_with_oncotree` takes; unreadable or malformed sources
        raise :class:`~therapy_lookup.errors.OncoTreeError`.
        """
        resolver = self.diagnoses.with_oncotree(source)
        catalog = self.catalog.with_cancer_types(resolver.tree)
        return AvailabilityService(catalog, diagnoses=resolver)

    # -- resolution -------------------------------------------------------------------------
    def resolve_diagnosis(
        self, diagnosis: str | CancerType | DiagnosisMatch
    ) -> tuple[CancerType, DiagnosisMatch | None]:
        """Resolve diagnosis text (or pass a type through); raise UnknownDiagnosisError."""
        if isinstance(diagnosis, DiagnosisMatch):
            return self._known(diagnosis.cancer_type, diagnosis.query), diagnosis
        if isinstance(diagnosis, CancerType):
            return self._known(diagnosis, diagnosis.name), None
        if not isinstance(diagnosis, str):
            raise TypeError(
                f"diagnosis must be a str or CancerType, not {type(diagnosis).__name__}"
            )
        match = self.diagnoses.resolve(diagnosis)
        if match is None:
            suggestions = [m.cancer_type.name for m in self.diagnoses.search(diagnosis, limit=5)]
            raise UnknownDiagnosisError(diagnosis, suggestions)
        return self._known(match.cancer_type, diagnosis), match

    def _known(self, cancer_type: CancerType, text: str) -> CancerType:
        """Return this service's record of ``cancer_type``; UnknownDiagnosisError if missing.

        A type from another tree (a resolver extended with OncoTree, a hand-made record) is no
        type these tables can answer for.
        """
        own = self.tree.get(cancer_type.id)
        if own is None:
            raise UnknownDiagnosisError(text, [])
        return own

    def resolve_therapy(self, therapy: str | TherapyRef) -> TherapyRef:
        """Resolve therapy text to a class or product; raise UnknownTherapyError."""
        if isinstance(therapy, TherapyRef):
            return therapy
        return self.therapies.resolve(therapy)

    # -- matching ---------------------------------------------------------------------------
    def _is_a(self, type_id: str, other_id: str) -> bool:
        """Cached ``tree.is_a``: whether ``type_id`` is ``other_id`` or below it."""
        lineage = self._lineages.get(type_id)
        if lineage is None:
            lineage = self._lineages[type_id] = frozenset(self.tree.lineage(type_id))
        return other_id in lineage

    def _span(self, approval: Approval) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        span = self._spans.get(approval.id)
        if span is None:
            above = frozenset(x for t in approval.cancer_types for x in self.tree.lineage(t))
            span = (frozenset(approval.cancer_types), above, frozenset(approval.excluded_types))
            self._spans[approval.id] = span
        return span

    def coverage(self, approval: Approval, type_id: str) -> Coverage | None:
        """How ``approval`` relates to cancer type ``type_id``, or None if it does not."""
        named, above, excluded = self._span(approval)
        lineage = self._lineages.get(type_id)
        if lineage is None:
            lineage = self._lineages[type_id] = frozenset(self.tree.lineage(type_id))
        if excluded and not excluded.isdisjoint(lineage):
            return None
        if not named.isdisjoint(lineage):
            return Coverage.COVERS
        if type_id in above:
            # Naming every kind of the type names the type ("CLL or SLL" is CLL/SLL).
            kinds = self._kinds_of(type_id)
            return Coverage.COVERS if kinds and kinds <= named else Coverage.SUBTYPE
        return None

    def _kinds_of(self, type_id: str) -> frozenset[str]:
        """The kinds that together make up ``type_id``, or nothing (cached).

        Only a split the tables made (two or more children, none an OncoTree node: CLL and SLL
        of CLL/SLL) is known to be whole; OncoTree's children, or one curated child (mCRPC of
        prostate adenocarcinoma), leave the rest of the type unnamed.
        """
        kinds = self._kinds.get(type_id)
        if kinds is None:
            children = self.tree.children(type_id)
            whole = len(children) >= 2 and not any(c.oncotree_code for c in children)
            kinds = self._kinds[type_id] = frozenset(c.id for c in children if whole)
        return kinds

    def _kinds_named(self, approval: Approval, type_id: str) -> list[str]:
        """The types below ``type_id`` that ``approval`` names; all kinds of one type as it."""
        named = [t for t in approval.cancer_types if self._is_a(t, type_id)]
        out: list[str] = []
        for t in named:
            parent = self.tree[t].parent
            whole = (
                parent is not None and parent != type_id and self._is_a(parent, type_id)
                and bool(self._kinds_of(parent)) and self._kinds_of(parent) <= set(named)
            )
            out.append(parent if whole and parent is not None else t)
        return list(dict.fromkeys(out))

    def _products_key(self, therapy: TherapyRef) -> frozenset[str]:
        key = f"{therapy.kind.value}:{therapy.id}"
        found = self._product_ids.get(key)
        if found is None:
            found = frozenset(p.id for p in self._products_of(therapy))
            self._product_ids[key] = found
        return found

    def _candidates(self, type_id: str) -> list[Approval]:
        """Approvals that may cover ``type_id`` or a subtype: an index by named type, built once.

        An approval is filed under each type it names and each ancestor of those; the type's
        own entry and its ancestors' entries hold every approval that can relate to it.
        """
        known = self._candidates_of.get(type_id)
        if known is not None:
            return known
        if self._by_type is None:
            index: dict[str, list[Approval]] = {}
            for approval in self.catalog.approvals.values():
                for t in {x for n in approval.cancer_types for x in self.tree.lineage(n)}:
                    index.setdefault(t, []).append(approval)
            self._by_type = index
        named = {t for t in self.tree.lineage(type_id)}
        out: dict[str, Approval] = {}
        for a in self._by_type.get(type_id, ()):  # names the type, a subtype, or it is below
            out[a.id] = a
        for t in named:
            for a in self._by_type.get(t, ()):
                if t in a.cancer_types:
                    out[a.id] = a
        found = self._candidates_of[type_id] = list(out.values())
        return found

    def _products_of(self, therapy: TherapyRef) -> list[Product]:
        if therapy.kind is TherapyKind.PRODUCT:
            return [self.catalog.products[therapy.id]]
        return self.catalog.products_in_class(therapy.id)

    def summarize_product(self, product: Product) -> ProductSummary:
        """The names and class of ``product``."""
        known = self._summaries.get(product.id)
        if known is not None:
            return known
        cls = self.catalog.therapy_classes[product.therapy_class]
        known = self._summaries[product.id] = ProductSummary(
            id=product.id,
            brand_name=product.brand_name,
            generic_name=product.generic_name,
            therapy_class=cls.id,
            therapy_class_name=cls.name,
        )
        return known

    def _type_names(self, approval: Approval) -> tuple[str, ...]:
        return tuple(self.tree[t].name for t in approval.cancer_types)

    def _match(
        self,
        approval: Approval,
        coverage: Coverage,
        biomarkers: frozenset[str],
        stages: frozenset[Stage] = frozenset(),
    ) -> ApprovalMatch:
        stated: bool | None = None
        if approval.biomarkers:
            wanted = {b.casefold() for b in approval.biomarkers}
            stated = bool(wanted & biomarkers)
        return ApprovalMatch(
            approval=approval,
            product=self.summarize_product(self.catalog.products[approval.product]),
            coverage=coverage,
            covered_types=self._type_names(approval),
            biomarker_stated=stated,
            stage_stated=bool(set(approval.stage) & stages) if approval.stage else None,
        )

    # -- the answer -------------------------------------------------------------------------
    def check(
        self,
        diagnosis: str | CancerType | DiagnosisMatch,
        therapy: str | TherapyRef,
        region: str = "US",
    ) -> Availability:
        """Answer whether ``therapy`` is approved for ``diagnosis`` in ``region``."""
        region_code = normalise_region(region)
        cancer_type, match = self.resolve_diagnosis(diagnosis)
        ref = self.resolve_therapy(therapy)
        # What the text states, and all that implies (TPS 60% satisfies a ">=1%" row).
        stated = load_biomarkers().closure(match.biomarkers if match else ())
        biomarkers = frozenset(b.casefold() for b in stated)
        text = match.query if match is not None else diagnosis if isinstance(diagnosis, str) else ""
        stages = stages_named(text)
        in_region: list[ApprovalMatch] = []
        elsewhere: list[ApprovalMatch] = []
        inactive: list[ApprovalMatch] = []
        other_stage: list[ApprovalMatch] = []
        wanted = self._products_key(ref)
        for approval in self._candidates(cancer_type.id):
            if approval.product not in wanted:
                continue
            cov = self.coverage(approval, cancer_type.id)
            if cov is None:
                continue
            m = self._match(approval, cov, biomarkers, stages)
            if not approval.status.is_approved:
                inactive.append(m)
            elif stage_conflicts(approval.stage, stages):
                # Approved for this type, but at another stage than the one stated.
                if region_code == "any" or approval.region == region_code:
                    other_stage.append(m)
            elif region_code == "any" or approval.region == region_code:
                in_region.append(m)
            else:
                elsewhere.append(m)
        covers = _sorted_matches(m for m in in_region if m.coverage is Coverage.COVERS)
        subtypes = _sorted_matches(m for m in in_region if m.coverage is Coverage.SUBTYPE)
        # A broad type (lung) whose covering approvals are all tissue-agnostic (named for a
        # broader type, biomarker-led) is answered by its kinds first: NSCLC, SCLC, ...
        agnostic_only = bool(covers) and all(
            m.approval.biomarkers and cancer_type.id not in m.approval.cancer_types
            for m in covers
        )
        if subtypes and agnostic_only:
            answer = subtypes + covers
            status = AvailabilityStatus.APPROVED_FOR_SUBTYPE
        elif covers:
            # Approvals that cover the asked type come first; those for its subtypes follow.
            answer = covers + subtypes
            status = AvailabilityStatus.APPROVED
        elif subtypes:
            answer = subtypes
            status = AvailabilityStatus.APPROVED_FOR_SUBTYPE
        elif elsewhere:
            answer = []
            status = AvailabilityStatus.APPROVED_ELSEWHERE
        else:
            answer = []
            status = AvailabilityStatus.NOT_APPROVED
        products = _unique(m.product for m in answer)
        related = [
            RelatedApproval(
                approval=m.approval,
                product=m.product,
                reason=RelatedReason.OTHER_STAGE,
                covered_types=m.covered_types,
            )
            for m in _sorted_matches(other_stage)
        ]
        shown_ids = {m.approval.id for m in (*answer, *other_stage)}
        related += self._related(cancer_type, ref, region_code, shown_ids)
        safety = _unique(fact for p in products for fact in self.catalog.safety_for_product(p.id))
        shown = [*answer, *_sorted_matches(elsewhere), *_sorted_matches(inactive)]
        sources = _unique(str(url) for m in shown for url in m.approval.sources)
        scopes = self.scopes(ref, cancer_type.id, region_code)
        result = dict(
            diagnosis_text=diagnosis if isinstance(diagnosis, str) else cancer_type.name,
            cancer_type=cancer_type,
            diagnosis_match=match,
            therapy=ref,
            region=region_code,
            status=status,
            products=tuple(products),
            approvals=tuple(answer),
            approved_elsewhere=tuple(_sorted_matches(elsewhere)),
            other_decisions=tuple(_sorted_matches(inactive)),
            related=tuple(related),
            safety=tuple(safety),
            tables_complete=bool(scopes),
            coverage_note=" ".join(sc.description for sc in scopes)
            or (
                f"therapy_lookup's tables do not aim to hold every approval of {ref.name} for "
                f"{cancer_type.name}{'' if region_code == 'any' else ' in ' + region_code}; "
                "other approvals may exist: check the current label."
            ),
            as_of=self.catalog.as_of,
            sources=tuple(sources),
        )
        # The kinds most approvals name come first (NSCLC and SCLC before rarer lung tumours).
        kinds = Counter(
            self.tree[t].name
            for m in subtypes
            for t in self._kinds_named(m.approval, cancer_type.id)
        )
        narrower = sorted(kinds, key=lambda name: (-kinds[name], name))
        # When no covering approval names the asked type itself, say which broader type it names.
        broader = (
            []
            if any(cancer_type.id in m.approval.cancer_types for m in covers)
            else sorted(
                {
                    self.tree[t].name
                    for m in covers
                    for t in m.approval.cancer_types
                    if t != cancer_type.id and self._is_a(cancer_type.id, t)
                }
            )
        )
        # Several cancers named: is the answer their common type, or the first one named?
        holds_all = match is not None and bool(match.alternatives) and all(
            self._is_a(a.cancer_type_id, cancer_type.id) for a in match.alternatives
        )
        summary = _summary(result, narrower, broader, holds_all=holds_all)
        summary = _stage_note(summary, result, covers, other_stage, stages)
        return Availability(summary=summary, **result)

    def scopes(self, therapy: TherapyRef, type_id: str, region: str) -> list[CoverageScope]:
        """The coverage scopes that make the tables complete for this question (may be none)."""
        class_id = (
            therapy.id
            if therapy.kind is TherapyKind.CLASS
            else self.catalog.products[therapy.id].therapy_class
        )
        wanted = (
            set(Agency)
            if region == "any"
            else {a for a, r in AGENCY_REGION.items() if r == region}
        )
        return [
            sc
            for sc in self.catalog.scope.values()
            if self.catalog.class_is_a(class_id, sc.therapy_class)
            and any(self._is_a(type_id, t) for t in sc.cancer_types)
            and wanted <= set(sc.agencies)
        ]

    def _active_in(self, region: str) -> list[tuple[Approval, Product]]:
        """Active approvals in ``region`` (or anywhere), with their products; built once."""
        rows = self._active.get(region)
        if rows is None:
            rows = self._active[region] = [
                (a, self.catalog.products[a.product])
                for a in self.catalog.approvals.values()
                if a.status.is_approved and (region == "any" or a.region == region)
            ]
        return rows

    def _class_is_a(self, class_id: str, other_id: str) -> bool:
        key = (class_id, other_id)
        found = self._class_is.get(key)
        if found is None:
            found = self._class_is[key] = self.catalog.class_is_a(class_id, other_id)
        return found

    def _related(
        self, cancer_type: CancerType, ref: TherapyRef, region: str, shown: set[str]
    ) -> list[RelatedApproval]:
        """Related approvals in the region: same/broader class for related types, other classes."""
        key = (cancer_type.id, f"{ref.kind.value}:{ref.id}", region)
        found = self._related_memo.get(key)
        if found is None:
            found = self._all_related(cancer_type, ref, region)
            if len(self._related_memo) >= 4096:
                self._related_memo.clear()
            self._related_memo[key] = found
        return [r for r in found if r.approval.id not in shown]

    def _all_related(
        self, cancer_type: CancerType, ref: TherapyRef, region: str
    ) -> list[RelatedApproval]:
        catalog = self.catalog
        asked_class = (
            ref.id if ref.kind is TherapyKind.CLASS else catalog.products[ref.id].therapy_class
        )
        lineage = catalog.class_lineage(asked_class)
        # The broader family: the class just below the root (e.g. car_t → cell_therapy).
        family = lineage[-2] if len(lineage) >= 2 else lineage[-1]
        main = self.tree.main_type(cancer_type.id).id
        # Only approvals that relate to the type or to a type of its main type can be related.
        relevant = {a.id for a in self._candidates(cancer_type.id)}
        relevant.update(a.id for a in (self._by_type or {}).get(main, ()))
        out: list[RelatedApproval] = []
        for approval, product in self._active_in(region):
            if approval.id not in relevant:
                continue
            same_class = self._class_is_a(product.therapy_class, asked_class)
            same_family = self._class_is_a(product.therapy_class, family)
            cov = self.coverage(approval, cancer_type.id)
            related_type = cov is None and any(
                self._is_a(t, main) for t in approval.cancer_types if t not in ("SOLID", "HEME")
            )
            reason: RelatedReason | None = None
            if same_class and related_type:
                reason = RelatedReason.SAME_CLASS_RELATED_TYPE
            elif same_family and not same_class and cov is not None:
                reason = RelatedReason.BROADER_CLASS_SAME_TYPE
            elif same_family and not same_class and related_type:
                reason = RelatedReason.BROADER_CLASS_RELATED_TYPE
            elif not same_family and cov is not None:
                reason = RelatedReason.OTHER_CLASS_SAME_TYPE
            if reason is not None:
                out.append(
                    RelatedApproval(
                        approval=approval,
                        product=self.summarize_product(product),
                        reason=reason,
                        covered_types=self._type_names(approval),
                    )
                )
        order = list(RelatedReason)
        out.sort(
            key=lambda r: (
                order.index(r.reason),
                bool(r.approval.biomarkers),  # type-specific approvals before biomarker-led ones
                r.product.id,
                r.approval.date,
                r.approval.id,
            )
        )
        return out


_STAGE_PATTERNS: tuple[tuple[Stage, re.Pattern[str]], ...] = tuple(
    (stage, re.compile(pattern, re.IGNORECASE))
    for stage, pattern in (
        (Stage.EXTENSIVE, r"\bextensive[\s-]+(?:stage|disease)\b|\bes[\s-]?sclc\b"),
        (Stage.LIMITED, r"\blimited[\s-]+(?:stage|disease)\b|\bls[\s-]?sclc\b"),
        (Stage.EARLY, r"\bearly[\s-]+stage\b"),
        (Stage.RESECTABLE, r"(?<![\w-])(?:resectable|resected|operable)\b"),
        (Stage.UNRESECTABLE, r"\b(?:unresectable|inoperable|non[\s-]?resectable)\b"),
        (Stage.LOCALLY_ADVANCED, r"\blocally[\s-]+advanced\b"),
        (Stage.ADVANCED, r"(?<!locally )(?<!locally-)\badvanced\b"),
        (Stage.METASTATIC, r"\bmetasta(?:tic|si[sz]ed|ses|sis)\b|\bmets\b|\bstage\s*(?:iv|4)\b"),
    )
)


def stages_named(text: str) -> frozenset[Stage]:
    """The disease stages a diagnosis text names ("extensive-stage SCLC" → extensive-stage)."""
    return frozenset(stage for stage, pattern in _STAGE_PATTERNS if pattern.search(text))


def stage_conflicts(label: Sequence[Stage], stated: frozenset[Stage]) -> bool:
    """Whether a label's stages exclude every stage the text states (limited vs extensive).

    Stages on the same side (early: early, limited-stage, resectable; late: the others) never
    conflict: "metastatic SCLC" still matches an extensive-stage label.
    """
    if not label or not stated or set(label) & stated:
        return False
    if all(s.is_early for s in stated):
        return not any(s.is_early for s in label)
    if not any(s.is_early for s in stated):
        return all(s.is_early for s in label)
    return False


def _stage_note(
    summary: str,
    r: dict[str, object],
    covers: Sequence[ApprovalMatch],
    other_stage: Sequence[ApprovalMatch],
    stated: frozenset[Stage],
) -> str:
    """Say what the stage conditions mean: labels for some stages only, or for another stage."""
    head, sep, tail = summary.rpartition(" Tables as of ")
    if not sep:
        return summary
    ref, ct, region, status = r["therapy"], r["cancer_type"], str(r["region"]), r["status"]
    assert isinstance(ref, TherapyRef) and isinstance(ct, CancerType)
    if covers and not stated and all(m.approval.stage for m in covers):
        some = " or ".join(sorted({s.value for m in covers for s in m.approval.stage}))
        head += f" Only for some stages: {some} (see conditions)."
    elif other_stage and not covers:
        named = " or ".join(sorted({s.value for m in other_stage for s in m.approval.stage}))
        asked = " or ".join(sorted(s.value for s in stated))
        names = ", ".join(_display(p) for p in _unique(m.product for m in other_stage))
        core = (
            f"{ref.name} is approved {_where(region)} for {ct.name} only at another stage "
            f"({named})"
        )
        if status is AvailabilityStatus.NOT_APPROVED:
            head = f"Not for {asked} disease: {core}: {names}."
        else:
            head += f" {core[0].upper()}{core[1:]}, not for {asked} disease: {names}."
    return f"{head}{sep}{tail}"


def normalise_region(region: str) -> str:
    """Upper-case a region code, or 'any'; raise InvalidRegionError for unknown codes."""
    if not isinstance(region, str):
        raise InvalidRegionError(f"region must be a str, not {type(region).__name__}")
    if len(region) > 100:
        raise InvalidRegionError(f"region text is {len(region)} characters long; the limit is 100")
    code = region.strip().upper()
    if code == "ANY":
        return "any"
    if code == "GB":
        code = "UK"
    if code not in REGIONS:
        from ..knowledge.regions import region_for

        named = region_for(region)  # a country, agency or health system: "Japan", "NHS"
        if named is not None:
            return named
        known = ", ".join(sorted(REGIONS))
        raise InvalidRegionError(f"unknown region {region!r}; use one of {known} or 'any'")
    return code


def _sorted_matches(matches: Iterable[ApprovalMatch]) -> list[ApprovalMatch]:
    return sorted(matches, key=lambda m: (m.product.id, m.approval.date, m.approval.id))


def _unique(items: Iterable[_T]) -> list[_T]:
    out: list[_T] = []
    seen: set[object] = set()
    for item in items:
        key = getattr(item, "id", item)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _display(p: ProductSummary) -> str:
    return f"{p.brand_name} ({p.generic_name})" if p.brand_name else p.generic_name


def _where(region: str) -> str:
    return "by any agency" if region == "any" else f"in region {region}"


def _summary(
    r: dict[str, object],
    narrower: list[str],
    broader: Sequence[str] = (),
    *,
    holds_all: bool = False,
) -> str:
    """One paragraph of plain language for an answer."""
    status = r["status"]
    ref = r["therapy"]
    ct = r["cancer_type"]
    region = str(r["region"])
    assert isinstance(ref, TherapyRef) and isinstance(ct, CancerType)
    approvals = r["approvals"]
    elsewhere = r["approved_elsewhere"]
    assert isinstance(approvals, tuple) and isinstance(elsewhere, tuple)
    complete = bool(r["tables_complete"])
    what = ref.name
    if status is AvailabilityStatus.APPROVED:
        covering = [m for m in approvals if m.coverage is Coverage.COVERS]
        names = ", ".join(_display(p) for p in _unique(m.product for m in covering))
        if all(m.approval.biomarkers for m in covering):
            needs = sorted({b for m in covering for b in m.approval.biomarkers})
            lead = "Yes, but only with a biomarker" if complete else "Yes, with a biomarker"
            text = (
                f"{lead}: {what} is approved {_where(region)} for "
                f"{ct.name} whose tumour has {' or '.join(needs)}: {names}."
            )
        elif broader:
            text = (
                f"Yes: {what} is approved {_where(region)} for {' and '.join(broader)}, "
                f"which includes {ct.name}: {names}. The approval names the broader type, "
                f"not {ct.name} itself: check the label's wording."
            )
            if any(m.approval.biomarkers for m in covering):
                text += " Some approvals require a biomarker (see conditions)."
        else:
            text = f"Yes: {what} is approved {_where(region)} for {ct.name}: {names}."
            if any(m.approval.biomarkers for m in covering):
                text += " Some approvals require a biomarker (see conditions)."
        if narrower:
            text += f" Also approved for some kinds of it: {', '.join(narrower)}."
    elif status is AvailabilityStatus.APPROVED_FOR_SUBTYPE:
        text = (
            f"Only for some kinds of {ct.name}: {what} is approved {_where(region)} for "
            f"{', '.join(narrower)}."
        )
        agnostic = [m for m in approvals if m.coverage is Coverage.COVERS]
        if agnostic:
            needs = sorted({b for m in agnostic for b in m.approval.biomarkers})
            names = ", ".join(_display(p) for p in _unique(m.product for m in agnostic))
            text += (
                f" Whatever the kind, some approvals depend on a biomarker: {names}, for "
                f"tumours with {' or '.join(needs)}."
            )
    elif status is AvailabilityStatus.APPROVED_ELSEWHERE:
        agencies = sorted({m.approval.agency.value for m in elsewhere})
        text = (
            f"Not {_where(region)}: {what} is not approved there for {ct.name}, but it is "
            f"approved by {', '.join(agencies)}."
        )
    elif complete:
        text = (
            f"No: no approval of {what} for {ct.name} is on record, by any agency, in "
            f"therapy_lookup's tables."
        )
    else:
        text = (
            f"Not on record: therapy_lookup's tables hold no approval of {what} for {ct.name}, "
            "but they do not cover this question completely, so this is not a 'no'."
        )
    if not complete and status is not AvailabilityStatus.NOT_APPROVED:
        text += " Other approvals may exist: the tables are not complete for this question."
    match = r.get("diagnosis_match")
    if isinstance(match, DiagnosisMatch) and "several cancers named" in match.qualifiers:
        others = ", ".join(a.name for a in match.alternatives)
        if holds_all:
            lead = f"The text names several cancers ({others}); this answer is about {ct.name}"
            lead += ", the type that holds them all"
        else:
            lead = f"The text names several cancers; this answer is about {ct.name} only"
            lead += f" (ask again for {others})" if others else ""
        text = f"{lead}. {text}"
    return f"{text} Tables as of {r['as_of']}."


@lru_cache(maxsize=1)
def default_service() -> AvailabilityService:
    """The service over the packaged catalog (built once)."""
    return AvailabilityService(load_catalog())


def check_availability(
    diagnosis: str | CancerType | DiagnosisMatch,
    therapy: str | TherapyRef,
    region: str = "US",
) -> Availability:
    """Answer whether ``therapy`` (a class or a product) is approved for ``diagnosis``.

    ``region`` is one of US, EU, CN, JP, KR, IN, CA, UK, ES, or "any". Raises
    UnknownDiagnosisError / UnknownTherapyError (both LookupError) with suggestions, and
    InvalidRegionError (a ValueError) for unknown regions.
    """
    return default_service().check(diagnosis, therapy, region)
