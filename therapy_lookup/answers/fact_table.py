"""The fact table: every approval of a therapy class, one row each, with the product's facts.

``fact_table("CAR-T")`` is "the CAR-T fact table" people ask for: every FDA, EC, NMPA, … CAR-T
approval (and refusal, withdrawal or pending filing) with the product's brand, generic name,
target, costimulatory domain and holder, and the approval's indication, line, population, date,
pathway, status and source. Rows are sorted by product, then date. Use
:func:`therapy_lookup.export.to_dataframe` or :func:`~therapy_lookup.export.to_csv` to take it
elsewhere.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from ..knowledge.catalog import Catalog, load_catalog
from ..knowledge.models import Approval, Product
from ..knowledge.regions import normalise_region
from ..knowledge.therapies import TherapyKind, TherapyRef, TherapyResolver

__all__ = ["FactRow", "fact_table"]


class FactRow(BaseModel):
    """One approval (or refusal, withdrawal, pending filing) of one product, flattened."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    approval_id: str = Field(description="Id of the approval row in data/approvals.")
    product: str = Field(description="Product id.")
    brand: str | None = Field(description="Brand name, if any.")
    generic: str = Field(description="Generic (INN) name.")
    therapy_class: str = Field(description="Therapy class id (e.g. car_t).")
    target: str = Field(description="Target antigen(s), '|'-joined (e.g. CD19).")
    costimulatory_domain: str | None = Field(description="For CAR-T, if the sources name it.")
    cell_source: str | None = Field(description="autologous / allogeneic, for cell therapies.")
    holder: str | None = Field(description="Current marketing holder.")
    agency: str = Field(description="Approving agency (FDA, EC, NMPA, …).")
    region: str = Field(description="Region the approval applies to (US, EU, CN, …).")
    indication: str = Field(description="The indication, as the label words it.")
    cancer_types: str = Field(description="Cancer type ids the indication covers, '|'-joined.")
    line: str | None = Field(description="Line of therapy, as the label words it.")
    min_prior_lines: int | None = Field(description="Prior lines the label requires, if stated.")
    population: str | None = Field(description="Population limits, in words.")
    date: str = Field(description="Date of the decision (YYYY, YYYY-MM or YYYY-MM-DD).")
    pathway: str = Field(description="Regulatory pathway (regular, accelerated, …).")
    converted_on: str | None = Field(description="When an accelerated approval became regular.")
    status: str = Field(description="active, withdrawn, crl, pending, …")
    status_date: str | None = Field(description="When the status last changed.")
    source: str = Field(description="The first source of the approval row.")
    checked_on: dt.date = Field(description="When the row was last checked.")


def _row(approval: Approval, product: Product) -> FactRow:
    return FactRow(
        approval_id=approval.id,
        product=product.id,
        brand=product.brand_name,
        generic=product.generic_name,
        therapy_class=product.therapy_class,
        target="|".join(product.targets),
        costimulatory_domain=product.costimulatory_domain,
        cell_source=product.cell_source.value if product.cell_source else None,
        holder=product.manufacturer,
        agency=approval.agency.value,
        region=approval.region,
        indication=approval.indication,
        cancer_types="|".join(approval.cancer_types),
        line=approval.line_of_therapy,
        min_prior_lines=approval.min_prior_lines,
        population=approval.population,
        date=approval.date,
        pathway=approval.approval_type.value,
        converted_on=approval.converted_on,
        status=approval.status.value,
        status_date=approval.status_date,
        source=str(approval.sources[0]),
        checked_on=approval.checked_on,
    )


def fact_table(
    therapy: str | TherapyRef = "CAR-T",
    region: str | None = None,
    *,
    approved_only: bool = False,
    catalog: Catalog | None = None,
) -> list[FactRow]:
    """Every approval row of a therapy class or product, flattened with the product's facts.

    ``therapy`` is a class (``"CAR-T"``, ``"cell therapy"``, ``"bispecific antibody"``) or a
    product (``"Carvykti"``, ``"axi-cel"``); ``region`` limits the rows to one region (``"US"``,
    ``"EU"``, ``"CN"``, …; ``None`` or ``"any"`` for all). Refusals, withdrawals and pending
    filings are included (see ``status``) unless ``approved_only=True``. Raises
    :class:`~therapy_lookup.UnknownTherapyError` for unknown therapy text and
    :class:`~therapy_lookup.InvalidRegionError` for an unknown region.
    """
    catalog = catalog if catalog is not None else load_catalog()
    ref = therapy if isinstance(therapy, TherapyRef) else TherapyResolver(catalog).resolve(therapy)
    wanted: str | None = None
    if region is not None:
        if not isinstance(region, str):
            raise TypeError(f"region must be a str, not {type(region).__name__}")
        code = normalise_region(region)
        wanted = None if code == "any" else code
    if ref.kind is TherapyKind.PRODUCT:
        products = [catalog.products[ref.id]]
    else:
        products = catalog.products_in_class(ref.id)
    rows = [
        _row(a, p)
        for p in products
        for a in catalog.approvals_for_product(p.id)
        if (wanted is None or a.region == wanted)
        and (not approved_only or a.status.is_approved)
    ]
    return sorted(rows, key=lambda r: (r.brand or r.generic, r.date, r.agency, r.approval_id))
