"""Every approval row names at least one source that is not a stock-news site, blog or aggregator.

The aggregator list is data (``data/aggregator_domains.csv``, one domain a row, subdomains
included). Rows still waiting for a primary source are listed in ``AWAITING_A_PRIMARY_SOURCE``;
the list may only shrink: a listed row that has gained a primary source fails the test until it
is taken off the list.
"""

from __future__ import annotations

import csv
import io
from urllib.parse import urlparse

from therapy_lookup.knowledge import tables as _tables
from therapy_lookup.knowledge.catalog import Catalog

#: Rows whose every source is on the aggregator list (audit 2026-12, §5); fix, then delete here.
AWAITING_A_PRIMARY_SOURCE = frozenset(
    {
        "abecma-mhlw-mm-3l",
        "abecma-mhlw-mm-4l",
        "breyanzi-mhlw-lbcl-2l",
        "kymriah-ec-dlbcl-3l",
        "odronextamab-fda-dlbcl-crl",
        "retevmo-fda-ret-fusion-solid",
        "retevmo-fda-ret-fusion-solid-peds",
    }
)


def aggregator_domains() -> frozenset[str]:
    """The domains of ``data/aggregator_domains.csv``."""
    text = _tables.data_dir().joinpath("aggregator_domains.csv").read_text(encoding="utf-8")
    return frozenset(row["domain"].strip().casefold() for row in csv.DictReader(io.StringIO(text)))


def is_aggregator(url: str, domains: frozenset[str]) -> bool:
    """Whether the URL's host is a listed domain or one of its subdomains (www. ignored)."""
    host = (urlparse(url).hostname or "").casefold()
    return any(host == d or host.endswith("." + d) for d in domains)


def weak_rows(catalog: Catalog, domains: frozenset[str]) -> set[str]:
    """Approval rows whose every source is an aggregator."""
    return {
        a.id
        for a in catalog.approvals.values()
        if all(is_aggregator(str(u), domains) for u in a.sources)
    }


def test_every_row_has_a_source_that_is_not_an_aggregator(catalog: Catalog) -> None:
    weak = weak_rows(catalog, aggregator_domains())
    assert sorted(weak - AWAITING_A_PRIMARY_SOURCE) == [], "add an agency or holder source"


def test_the_waiting_list_only_shrinks(catalog: Catalog) -> None:
    weak = weak_rows(catalog, aggregator_domains())
    assert sorted(AWAITING_A_PRIMARY_SOURCE - weak) == [], "these rows are fixed: unlist them"


def test_the_list_catches_what_it_should() -> None:
    domains = aggregator_domains()
    assert is_aggregator("https://www.maestrodatabase.com/blog/x", domains)
    assert is_aggregator("https://uk.marketscreener.com/quote/x", domains)
    assert not is_aggregator("https://www.fda.gov/drugs/x", domains)
    assert not is_aggregator("https://api.fda.gov/drug/label.json?search=x", domains)
    assert not is_aggregator("https://notmaestrodatabase.com/x", domains)


def test_fda_cell_therapy_approvals_name_an_fda_or_holder_source(catalog: Catalog) -> None:
    domains = aggregator_domains()
    rows = [
        a
        for a in catalog.approvals.values()
        if a.agency.value == "FDA"
        and catalog.class_is_a(catalog.products[a.product].therapy_class, "cell_therapy")
    ]
    weak = sorted(
        a.id
        for a in rows
        if all(is_aggregator(str(u), domains) for u in a.sources)
        and a.id not in AWAITING_A_PRIMARY_SOURCE
    )
    assert weak == []
