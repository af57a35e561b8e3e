"""Layer 5: one package per page (segments 01, migration 02, cohorts 03, tiers 04, campaigns 05,
value 06, review 00), each with its compute, charts, sentences (narrative) and output files.
A page imports kit and below, never another page; review reads the others.
"""

from importlib import import_module

# the order of the month's pages (the review last: it reads the others)
ORDER = ("segments", "migration", "cohorts", "tiers", "campaigns", "value", "review")


def notebooks() -> list[str]:
    """The month's notebooks in order, as each page declares its own (pages/<page>/__init__.py)."""
    return [import_module(f"helpers.pages.{page}").NOTEBOOK for page in ORDER]


def needs() -> dict[str, tuple[str, ...]]:
    """notebook -> the notebooks whose outputs it reads, from each page's NEEDS."""
    declared = {page: import_module(f"helpers.pages.{page}") for page in ORDER}
    return {mod.NOTEBOOK: tuple(declared[other].NOTEBOOK for other in mod.NEEDS)
            for mod in declared.values() if mod.NEEDS}
