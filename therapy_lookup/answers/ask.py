"""``ask(question) -> Answer``: a question in plain language, read and answered completely.

The answer carries the reading (:class:`~therapy_lookup.answers.question.Question`), the short
status, the approvals with their conditions checked against the patient's stated facts, what
else is approved for the cancer, why a therapy is not approved (in facts from the tables),
pending decisions, safety facts, trials when asked for or when the therapy is not approved,
and what it all rests on (sources, as-of date, the disclaimer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import TherapyLookupError
from ..knowledge.models import ANY_THERAPY, Approval
from ..knowledge.regions import region_name
from ..knowledge.therapies import TherapyKind, TherapyRef
from ..resolver import DiagnosisMatch
from .answer_models import Answer, OptionGroup
from .answer_status import (
    brands,
    display_type,
    headline_status,
    one_line_answer,
    product_name,
    ranked,
    tissue_agnostic,
)
from .answer_why import why_facts
from .availability import (
    ApprovalMatch,
    Availability,
    AvailabilityService,
    AvailabilityStatus,
    default_service,
)
from .fact_table import FactRow, fact_table
from .patient_checks import PatientCheck, patient_checks
from .question import Intent, Question
from .question_reading import read_question

if TYPE_CHECKING:
    from ..ctgov import ClinicalTrialsClient
    from .trials import TrialSearch

__all__ = ["Answer", "OptionGroup", "PatientCheck", "ask"]

def ask(
    question: str,
    *,
    region: str | None = None,
    trials: bool = True,
    near: str | None = None,
    offline: bool = False,
    service: AvailabilityService | None = None,
    client: ClinicalTrialsClient | None = None,
) -> Answer:
    """Read ``question`` and answer it: status, conditions, why, options, safety and trials.

    ``region`` overrides the region the question names (default US); ``trials=False`` never
    searches the registry; ``near`` overrides the place the question names; ``offline=True``
    answers from the embedded tables and the local cache only; ``client`` is the registry
    client trials are searched with (default: one configured from the environment). Raises
    TypeError for a question that is not text and InvalidInputError (a ValueError) for one
    that is too long; anything else gets an answer that says what was understood and what is
    missing.
    """
    svc = service if service is not None else default_service()
    read = read_question(question, service=svc)
    if region is not None:
        from ..knowledge.regions import normalise_region

        read = read.model_copy(update={"region": normalise_region(region), "region_stated": True})
    if near is not None:
        read = read.model_copy(
            update={"patient": read.patient.model_copy(update={"near": near})}
        )
    return _Answering(svc, read, trials=trials, offline=offline, client=client).answer()


class _Answering:
    """Builds one answer; a class only to share the service, the reading and the options."""

    def __init__(
        self,
        svc: AvailabilityService,
        q: Question,
        *,
        trials: bool,
        offline: bool,
        client: ClinicalTrialsClient | None,
    ) -> None:
        self.svc, self.q, self.want_trials, self.offline = svc, q, trials, offline
        self.client = client
        self.catalog = svc.catalog
        self.cited: list[Approval] = []

    # -- dispatch ---------------------------------------------------------------------------
    def answer(self) -> Answer:
        q = self.q
        if q.intent is Intent.NOT_CANCER:
            return self._finish(None, self._not_cancerheadline())
        if q.intent is Intent.UNKNOWN:
            return self._finish(None, "I could not tell which cancer or therapy this asks about.")
        if q.intent is Intent.PRODUCT or (
            q.diagnosis is None and q.therapy is not None and q.therapy.kind is TherapyKind.PRODUCT
            and q.intent in (Intent.SAFETY, Intent.EXPLAIN)
        ):
            return self._product()
        if q.diagnosis is None:
            if q.intent in (Intent.LIST, Intent.SAFETY, Intent.EXPLAIN) and q.therapy is not None:
                return self._class_list()
            return self._finish(None, "Which cancer is this about? The question names none.")
        return self._for_diagnosis()

    # -- per intent ---------------------------------------------------------------------------
    def _for_diagnosis(self) -> Answer:
        q = self.q
        assert q.diagnosis is not None
        therapy: str | TherapyRef = q.therapy if q.therapy is not None else ANY_THERAPY
        availability = self._without_set_aside(
            self.svc.check(q.diagnosis.match, therapy, q.region)
        )
        status = headline_status(availability)
        # What else is approved: the answer itself for options questions; for a therapy that is
        # not approved here, what is (an approved therapy needs no list of alternatives).
        if q.broad_therapy:
            options = self._options(availability)
        elif status is AvailabilityStatus.APPROVED and q.intent is not Intent.SAFETY:
            options = ()
        else:
            options = self._options(None)
        why = (
            why_facts(self.svc, self.q, availability, self.cited)
            if status is not AvailabilityStatus.APPROVED else ()
        )
        checks = tuple(patient_checks(availability.approvals, q.patient, q.text))
        explanation, source = (None, None)
        if q.intent is Intent.EXPLAIN and q.therapy is not None:
            explanation, source = self._explanation(q.therapy)
        searched, note = self._trials(status)
        pending = tuple(
            m for m in availability.other_decisions if m.approval.status.value == "pending"
        )
        safety = availability.safety
        compared = tuple(self.svc.check(q.diagnosis.match, t, q.region) for t in q.compared)
        shown = brands(
            [m.product for m in availability.approvals]
            + [m.product for g in options for m in g.approvals]
            + [m.product for c in compared for m in c.approvals]
        )
        return self._finish(
            status,
            one_line_answer(availability, status, q),
            availability=availability,
            options=options,
            compared=compared,
            safety=safety,
            explanation=explanation,
            explanation_source=source,
            why=why,
            pending=pending,
            patient_checks=checks,
            care_team_questions=self._care_team(availability, status),
            trials=searched,
            trials_note=note,
            product_brands=shown,
            sources=tuple(
                dict.fromkeys(
                    [*availability.sources, *(s for c in compared for s in c.sources),
                     *(str(a.sources[0]) for a in self.cited)]
                )
            ),
        )

    def _product(self) -> Answer:
        q = self.q
        assert q.therapy is not None
        product = self.catalog.products[q.therapy.id]
        rows = tuple(fact_table(q.therapy, catalog=self.catalog))
        approved = [r for r in rows if r.status == "active"]
        here = [r for r in approved if q.region == "any" or r.region == q.region]
        name = product_name(product.brand_name, product.generic_name)
        where = "anywhere" if q.region == "any" else f"in {region_name(q.region)}"
        if here:
            status = AvailabilityStatus.APPROVED
            agencies = ", ".join(sorted({r.agency for r in here}))
            headline = (
                f"Yes: {name} is approved {where} ({agencies}); its safety facts on record are "
                "below."
                if q.intent is Intent.SAFETY
                else f"Yes: {name} is approved {where} ({agencies}), for the indications below."
            )
        elif approved:
            status = AvailabilityStatus.APPROVED_ELSEWHERE
            others = ", ".join(sorted({f"{r.agency} ({r.region})" for r in approved}))
            headline = f"Not {where}: {name} is approved elsewhere — {others}."
        else:
            status = AvailabilityStatus.NOT_APPROVED
            headline = f"No: no approval of {name} is on record in therapy_lookup's tables."
        if not here:
            # A filing awaiting a decision here is said, as the answers for a cancer say it.
            due = sorted({
                f"{r.agency} decision expected {a.decision_due}"
                for r in rows
                if r.status == "pending" and (q.region == "any" or r.region == q.region)
                and (a := self.catalog.approvals[r.approval_id]).decision_due is not None
            })
            if due:
                headline += f" Under review ({'; '.join(due)})."
        explanation, source = self._explanation(q.therapy) if q.intent is Intent.EXPLAIN else (
            None, None
        )
        brands_here = [b for b in [product.brand_name] if b and here]
        for other in q.compared:  # "Is Carvykti or Abecma approved in Korea?"
            line, other_rows, approved_here = self._beside(other)
            headline += f" Beside it: {line}"
            rows += other_rows
            brand = self.catalog.products[other.id].brand_name
            if brand and approved_here:
                brands_here.append(brand)
        return self._finish(
            status,
            headline,
            products=rows,
            safety=self.catalog.safety_for_product(product.id),
            explanation=explanation,
            explanation_source=source,
            pending=(),
            product_brands=tuple(brands_here),
            therapy_brand=product.brand_name,
            sources=tuple(dict.fromkeys(r.source for r in rows)),
        )

    def _beside(self, ref: TherapyRef) -> tuple[str, tuple[FactRow, ...], bool]:
        """A product set beside the asked one: a sentence, its fact rows, whether approved here."""
        q = self.q
        product = self.catalog.products[ref.id]
        rows = tuple(fact_table(ref, catalog=self.catalog))
        approved = [r for r in rows if r.status == "active"]
        here = [r for r in approved if q.region == "any" or r.region == q.region]
        name = product_name(product.brand_name, product.generic_name)
        where = "anywhere" if q.region == "any" else f"in {region_name(q.region)}"
        if here:
            line = f"{name} is approved {where} ({', '.join(sorted({r.agency for r in here}))})."
        elif approved:
            others = ", ".join(sorted({f"{r.agency} ({r.region})" for r in approved}))
            line = f"{name} is not approved {where}; it is approved elsewhere — {others}."
        else:
            line = f"no approval of {name} is on record."
        return line, rows, bool(here)

    def _class_list(self) -> Answer:
        q = self.q
        assert q.therapy is not None
        rows = tuple(
            r
            for r in fact_table(q.therapy, catalog=self.catalog)
            if r.status == "active" and (q.region == "any" or r.region == q.region)
        )
        names = tuple(dict.fromkeys(r.brand or r.generic for r in rows))
        where = "anywhere" if q.region == "any" else f"in {region_name(q.region)}"
        if q.intent is Intent.SAFETY or q.intent is Intent.EXPLAIN:
            status = None
            headline = (
                f"{q.therapy.name}: the safety facts on record for the products approved {where}."
                if q.intent is Intent.SAFETY
                else f"{q.therapy.name}: how it works, and what is approved {where}."
            )
        elif rows:
            status = AvailabilityStatus.APPROVED
            headline = f"{len(names)} {q.therapy.name} products are approved {where}: " + (
                ", ".join(names) + "."
            )
        else:
            status = AvailabilityStatus.NOT_APPROVED
            headline = (
                f"No {q.therapy.name} product is approved {where} in therapy_lookup's tables."
            )
        products = {r.product for r in rows}
        safety = tuple(
            dict.fromkeys(f for p in sorted(products) for f in self.catalog.safety_for_product(p))
        )
        explanation, source = self._explanation(q.therapy)
        return self._finish(
            status,
            headline,
            products=rows,
            safety=safety,
            explanation=explanation if q.intent is not Intent.LIST else None,
            explanation_source=source if q.intent is not Intent.LIST else None,
            product_brands=names if status is AvailabilityStatus.APPROVED else (),
            sources=tuple(dict.fromkeys(r.source for r in rows)),
        )

    # -- parts --------------------------------------------------------------------------------
    def _without_set_aside(self, availability: Availability) -> Availability:
        """The answer without the therapies the question sets aside ("besides Tecelra")."""
        if not self.q.set_aside:
            return availability
        aside = {
            p.id
            for t in self.q.set_aside
            for p in (
                [self.catalog.products[t.id]] if t.kind is TherapyKind.PRODUCT
                else self.catalog.products_in_class(t.id)
            )
        }
        return availability.model_copy(update={
            "approvals": tuple(m for m in availability.approvals if m.product.id not in aside),
            "products": tuple(p for p in availability.products if p.id not in aside),
        })

    def _options(self, availability: Availability | None) -> tuple[OptionGroup, ...]:
        """What is approved for the type in the region, grouped by class."""
        q = self.q
        if q.diagnosis is None:
            return ()
        if availability is None:
            availability = self._without_set_aside(
                self.svc.check(q.diagnosis.match, ANY_THERAPY, q.region)
            )
        groups: dict[tuple[bool, str], list[ApprovalMatch]] = {}
        for m in ranked(availability):
            groups.setdefault((tissue_agnostic(m), m.product.therapy_class), []).append(m)
        out = []
        for (agnostic, class_id), matches in sorted(
            groups.items(),
            key=lambda kv: (kv[0][0], self.catalog.therapy_classes[kv[0][1]].name.casefold()),
        ):
            out.append(
                OptionGroup(
                    therapy_class=class_id,
                    therapy_class_name=self.catalog.therapy_classes[class_id].name,
                    approvals=tuple(matches),
                    tissue_agnostic=agnostic,
                )
            )
        return tuple(out)

    def _explanation(self, therapy: TherapyRef) -> tuple[str | None, str | None]:
        if therapy.kind is TherapyKind.PRODUCT:
            product = self.catalog.products[therapy.id]
            cls = self.catalog.therapy_classes[product.therapy_class]
            targets = f" It targets {', '.join(product.targets)}." if product.targets else ""
            text = (
                f"{product_name(product.brand_name, product.generic_name)} is a {cls.name}. "
                f"{cls.description}{targets}"
            )
            return text, str(cls.description_source) if cls.description_source else None
        cls = self.catalog.therapy_classes[therapy.id]
        source = str(cls.description_source) if cls.description_source else None
        return f"{cls.name[0].upper()}{cls.name[1:]}: {cls.description}", source

    def _care_team(
        self, availability: Availability, status: AvailabilityStatus
    ) -> tuple[str, ...]:
        name = display_type(availability.cancer_type.name)
        out = []
        if status is AvailabilityStatus.APPROVED:
            out.append(
                f"Does the label's line of therapy, age and biomarker fit this {name}?"
            )
        else:
            out.append(f"Which of the approved options for {name} fit this stage and history?")
            out.append("Is there a clinical trial of this therapy I could join, and where?")
        if availability.approved_elsewhere:
            out.append("Is treatment abroad, or access through a trial, realistic?")
        return tuple(out)

    def _trials(
        self, status: AvailabilityStatus | None
    ) -> tuple[TrialSearch | None, str | None]:
        q = self.q
        asked = q.intent is Intent.TRIALS
        not_here = status in (
            AvailabilityStatus.NOT_APPROVED,
            AvailabilityStatus.APPROVED_ELSEWHERE,
        )
        if not self.want_trials:
            return None, ("Trials were not searched (trials=False)." if asked else None)
        if not (asked or not_here) or q.diagnosis is None:
            return None, None
        from .trials import find_trials

        therapy = None if q.broad_therapy and q.therapy is None else q.therapy
        if therapy is not None and therapy.id == ANY_THERAPY:
            therapy = None
        facts = q.patient
        options: dict[str, Any] = {
            "age": facts.age,
            "sex": {"F": "female", "M": "male"}.get(facts.sex or ""),
            "biomarkers": tuple(q.diagnosis.match.biomarkers),
            "prior_therapies": tuple(t.name for t in facts.prior_therapies),
            "prior_lines": facts.prior_lines,
        }
        place_note = None
        if facts.near:
            from .trial_sites import resolve_place

            try:
                options["near"] = resolve_place(facts.near)
            except TherapyLookupError:
                place_note = f"'{facts.near}' was not found in the gazetteer: no distances."
        client = self.client
        own_client = client is None and not asked
        if own_client:
            # Trials the person did not ask for must not hold up the answer: one attempt, a
            # short deadline; an unreachable registry then says so at once.
            from ..ctgov import ClientConfig, ClinicalTrialsClient

            client = ClinicalTrialsClient(
                ClientConfig.from_env(max_retries=0, connect_timeout=3.0, search_deadline=10.0)
            )
        try:
            result = find_trials(
                q.diagnosis.match,
                therapy,
                offline=self.offline,
                service=self.svc,
                client=client,
                limit=20,
                **options,
            )
        finally:
            if own_client and client is not None:
                client.close()
        note = place_note if result.registry_reachable else (
            "ClinicalTrials.gov could not be reached"
            + (": showing the cached search." if result.studies else "; no cached search.")
            + (f" {place_note}" if place_note else "")
        )
        return result, note

    def _not_cancerheadline(self) -> str:
        q = self.q
        therapy = f" {q.therapy.name}" if q.therapy else ""
        return (
            f"{q.non_cancer_condition} is not a cancer: therapy_lookup's tables hold cancer "
            f"approvals only, so they cannot say whether{therapy} is approved for it."
        )

    def _finish(self, status: AvailabilityStatus | None, headline: str, **parts: object) -> Answer:
        q = self.q
        codes: tuple[str, ...] = ()
        if q.diagnosis is not None:
            codes = _oncotree_codes(q.diagnosis.match, self.svc)
        brand = None
        if q.therapy is not None and q.therapy.kind is TherapyKind.PRODUCT:
            brand = self.catalog.products[q.therapy.id].brand_name
        parts.setdefault("therapy_brand", brand)
        if q.region_outside is not None and status is not None:
            headline = (
                f"{q.region_outside}: not in the tables (they hold the US, EU, UK, China, Japan, "
                f"Korea, India, Canada and Spain). Elsewhere — {headline}"
            )
        return Answer(
            question=q,
            intent=q.intent,
            status=status,
            headline=headline,
            oncotree_codes=codes,
            as_of=self.catalog.as_of,
            **parts,
        )



def _oncotree_codes(match: DiagnosisMatch, svc: AvailabilityService) -> tuple[str, ...]:
    """The type's OncoTree code, or its nearest parent's.

    For a grouping above OncoTree's tissues ("Leukemia"), the top codes of what it holds
    (LNM, MNM).
    """
    if match.oncotree_code:
        return (match.oncotree_code,)
    tree = svc.tree
    codes: dict[str, None] = {}
    for node in tree.descendants(match.cancer_type.id):
        coded = [t for t in tree.lineage(node.id) if tree[t].oncotree_code]
        if coded:  # the highest coded node below OncoTree's tissue level (MNM under MYELOID)
            codes[str(tree[coded[-2] if len(coded) > 1 else coded[-1]].oncotree_code)] = None
    return tuple(sorted(codes))[:8]
