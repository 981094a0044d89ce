"""Answers to "is therapy X available for cancer Y in region R?" from the curated tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..collector import pausing_collector
from ..errors import UnknownDiagnosisError
from ..knowledge.biomarkers import load_biomarkers
from ..knowledge.cancer_types import CancerTypeTree, load_cancer_type_names
from ..knowledge.catalog import Catalog, load_catalog
from ..knowledge.models import (
    AGENCY_REGION,
    Agency,
    Approval,
    CancerType,
    CoverageScope,
    Product,
    Stage,
)
from ..knowledge.oncotree import OncoTreeNode
from ..knowledge.regions import normalise_region
from ..knowledge.therapies import TherapyKind, TherapyRef, TherapyResolver
from ..resolver import DiagnosisMatch, DiagnosisResolver, default_resolver
from .availability_models import (
    DISCLAIMER,
    ApprovalMatch,
    Availability,
    AvailabilityStatus,
    Coverage,
    ProductSummary,
    RelatedApproval,
    RelatedReason,
)
from .availability_summary import stage_note, summary_text, unique
from .label_coverage import LabelCoverage
from .stages import stage_conflicts, stages_named

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
        self.labels = LabelCoverage(catalog.cancer_types)
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
        return self.labels.is_a(type_id, other_id)

    def coverage(self, approval: Approval, type_id: str) -> Coverage | None:
        """How ``approval`` relates to cancer type ``type_id``, or None if it does not."""
        return self.labels.coverage(approval, type_id)

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
        products = unique(m.product for m in answer)
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
        safety = unique(fact for p in products for fact in self.catalog.safety_for_product(p.id))
        shown = [*answer, *_sorted_matches(elsewhere), *_sorted_matches(inactive)]
        sources = unique(str(url) for m in shown for url in m.approval.sources)
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
            for t in self.labels.kinds_named(m.approval, cancer_type.id)
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
        summary = summary_text(result, narrower, broader, holds_all=holds_all)
        summary = stage_note(summary, result, covers, other_stage, stages)
        return Availability(summary=summary, subtypes=tuple(narrower), **result)

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


def _sorted_matches(matches: Iterable[ApprovalMatch]) -> list[ApprovalMatch]:
    return sorted(matches, key=lambda m: (m.product.id, m.approval.date, m.approval.id))



@lru_cache(maxsize=1)
@pausing_collector
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
