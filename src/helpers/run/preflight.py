"""Every parameter that depends on another, checked across all notebooks of the run before any
notebook starts (issue 33: `scheme: vn4` over params/monthly.yaml ran 01-04 and 06 for a minute,
then failed in 05, since monthly.yaml's `next_campaign_target: at_risk` is not a vn4 segment).

check_dependent(params, source, as_of) returns one sentence per rejected value, each naming the
key, the value, where it was set, the allowed values and the fix. What each notebook parses on
its own (RunParams: choices, cut points, engine) is parsed here once too, with the same code.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
from datetime import date

from helpers.core.errors import IngestError, ParamError
from helpers.core.params import FACTORS, RunParams, parse_date
from helpers.core.schemes import Scheme, SchemeError, check_movers_lists, load_scheme
from helpers.ingest import phones
from helpers.ingest.mappings import MappingError, load_mapping
from helpers.pages.campaigns import compute as campaigns
from helpers.pages.tiers.compute import LoyaltyError, load_loyalty
from helpers.pages.value import backtest, slipping
from helpers.pages.value.compute import check_value_model

GRAINS = ("month", "week")


def _where(source: dict, key: str) -> str:
    origin = source.get(key)
    if origin == "--set":
        return "given with --set"
    return f"set in {origin}" if origin else "the notebooks' default"


def _suggest_target(scheme: Scheme) -> str:
    """The scheme's own win-back segment (the first `to` of its win_back list), else its last
    segment before prospect: what a monthly win-back campaign would aim at under this scheme."""
    to = (scheme.movers_lists.get("win_back") or {}).get("to") or []
    if to:
        return to[0]
    keys = [k for k in scheme.keys if k != "prospect"]
    return keys[-1] if keys else ""


def check_dependent(params: dict, source: dict, as_of: date) -> list[str]:
    """One sentence per value that another value rules out (see the module)."""
    errors: list[str] = []
    fields = {f.name for f in dataclasses.fields(RunParams)}
    values = {k: v for k, v in params.items() if k in fields and k != "output_dir"}
    try:  # the values every notebook parses: choices, cut points for the bins, engine, sizes
        RunParams.from_values(**values, as_of=as_of)
    except (ParamError, ValueError) as exc:
        errors.append(str(exc))

    name = params.get("scheme") or RunParams.scheme
    factors = str(params.get("factors", "rfm")).lower()
    scheme = None
    if factors in FACTORS:  # otherwise said above (RunParams): no scheme is read for it
        try:
            scheme = load_scheme(name, bins=params.get("bins", 5), factors=factors,
                                 params=params.get("scheme_params") or {})
        except SchemeError as exc:
            errors.append(f"scheme = {name!r} ({_where(source, 'scheme')}) cannot be used with "
                          f"this run's bins, factors and scheme_params: {exc}")
        except (TypeError, ValueError) as exc:
            errors.append(f"scheme_params = {params.get('scheme_params')!r} "
                          f"({_where(source, 'scheme_params')}): {exc}")

    target = params.get("next_campaign_target") or ""
    if scheme is not None and target and target not in scheme.keys:
        suggestion = _suggest_target(scheme)
        errors.append(
            f"next_campaign_target = {target!r} ({_where(source, 'next_campaign_target')}) is "
            f"not a segment of scheme {scheme.name!r} ({_where(source, 'scheme')}); its "
            f"segments are {', '.join(scheme.keys)}. Set next_campaign_target to one of them "
            f"(e.g. --set next_campaign_target={suggestion}) or to \"\" for no next campaign.")
    if params.get("next_campaign_key") and not target:
        errors.append(f"next_campaign_key = {params['next_campaign_key']!r} "
                      f"({_where(source, 'next_campaign_key')}) names a campaign, but "
                      f"next_campaign_target is empty: set the segment to prepare the lists for, "
                      f"or next_campaign_key to \"\"")

    movers = params.get("movers_lists")
    if scheme is not None and movers:
        try:
            check_movers_lists(movers, scheme.keys, where=f"movers_lists "
                                                          f"({_where(source, 'movers_lists')})")
        except SchemeError as exc:
            errors.append(f"{exc}: these lists are for scheme {scheme.name!r}; name its segments, "
                          f"or set movers_lists to {{}} for the scheme's own lists")

    if "grain" in params and params["grain"] not in GRAINS:
        errors.append(f"grain = {params['grain']!r} ({_where(source, 'grain')}): give one of "
                      f"{', '.join(GRAINS)}")

    if params.get("phone_region"):
        try:
            phones.region_of({"phone_region": params["phone_region"]}, {})
        except IngestError as exc:
            errors.append(f"{exc} ({_where(source, 'phone_region')})")
    if "value_model" in params and check_value_model(params["value_model"]):
        errors.append(check_value_model(params["value_model"], _where(source, "value_model")))
    if as_of is not None and params.get("backtest_from"):
        try:
            backtest.backtest_date(params["backtest_from"], as_of)
        except ParamError as exc:
            errors.append(f"{exc} ({_where(source, 'backtest_from')})")
    if params.get("target_uplift") is not None or params.get("margin") is not None:
        try:
            campaigns.check_params(holdout_share=params.get("holdout_share", 0.1),
                                   detectable_uplift=params.get("detectable_uplift", 0.02),
                                   target_uplift=params.get("target_uplift"),
                                   margin=params.get("margin"))
        except ParamError as exc:
            key = "margin" if str(exc).startswith("margin") else "target_uplift"
            errors.append(f"{exc} ({_where(source, key)})")
    if "slipping_drop" in params:
        try:
            slipping.check_params(slipping_drop=params["slipping_drop"])
        except ParamError as exc:
            errors.append(f"{exc} ({_where(source, 'slipping_drop')})")

    if params.get("loyalty_path"):
        try:
            load_loyalty(params["loyalty_path"])
        except (LoyaltyError, ParamError) as exc:
            errors.append(f"loyalty_path = {params['loyalty_path']!r} "
                          f"({_where(source, 'loyalty_path')}): {exc}")

    mapping = str(params.get("mapping") or "auto")
    if mapping != "auto":
        try:
            load_mapping(mapping)
        except (MappingError, IngestError, ParamError) as exc:
            errors.append(f"mapping = {mapping!r} ({_where(source, 'mapping')}): {exc}")

    if str(params.get("engine") or "duckdb").lower() == "spark":
        missing = [] if importlib.util.find_spec("pyspark") else ["PySpark (`make setup`)"]
        if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
            missing.append("Java 17 (`make java`, or set JAVA_HOME)")
        if missing:
            errors.append(f"engine = 'spark' ({_where(source, 'engine')}) needs "
                          f"{' and '.join(missing)}, not found on this machine: install them, "
                          f"or run with engine: duckdb")

    if params.get("as_of_to"):
        try:
            later = parse_date(params["as_of_to"], "as_of_to")
            if later != as_of:
                errors.append(f"as_of_to = {later} ({_where(source, 'as_of_to')}): the monthly "
                              f"run ends the migration on its own date, --as-of {as_of}; remove "
                              f"as_of_to from the params file, or run with --as-of {later}")
        except ParamError as exc:
            errors.append(str(exc))

    if params.get("as_of_from"):
        try:
            earlier = parse_date(params["as_of_from"], "as_of_from")
            if earlier >= as_of:
                errors.append(f"as_of_from = {earlier} ({_where(source, 'as_of_from')}) is not "
                              f"before the run's as-of date {as_of}: give an earlier date, or "
                              f"\"\" for the month end before it")
        except ParamError as exc:
            errors.append(str(exc))
    return errors
