"""Notebook parameters, checked once: strings from papermill become typed, validated values."""

from __future__ import annotations

import calendar
import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from helpers.core.checks import WHOLE_NUMBERS, check_encoding, check_folder, check_lang
from helpers.core.currency import check_currency
from helpers.core.errors import IngestError, ParamError
from helpers.core.files import expand_inputs
from helpers.core.paths import DATA_PROCESSED, DATA_RAW, resolve
from helpers.core.privacy import DEFAULT_FILE_MODE, file_mode_bits

FACTORS = ("rfm", "rf", "rm", "fm")


def parse_date(value, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ParamError(f"{name} = {value!r} is not a date: write YYYY-MM-DD, e.g. 2026-10-31")


def month_end_before(day: date) -> date:
    """The last day of the month before `day`'s month."""
    first = day.replace(day=1)
    prev = date.fromordinal(first.toordinal() - 1)
    return prev


def stale_days(last_order_date, as_of: date, *, allowed: int = 3) -> int:
    """Days between the latest order and the as-of date when more than `allowed`, else 0."""
    if not last_order_date:
        return 0
    last = date.fromisoformat(str(last_order_date)[:10])
    gap = (as_of - min(last, as_of)).days
    return gap if gap > allowed else 0


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_complete(as_of: date) -> bool:
    """Whether the as-of date is its month's last day: the month is over (a month not yet over
    is partial, and a page comparing it with the month before must say so)."""
    return as_of == month_end(as_of)


def shop_today(shop_tz: str | None = None) -> date:
    """Today in the shop's time zone (Asia/Ho_Chi_Minh unless the run says otherwise): a server
    on UTC is still on yesterday for the first seven hours of a Vietnamese day."""
    try:
        zone = ZoneInfo(str(shop_tz or "Asia/Ho_Chi_Minh"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ParamError(f"shop_tz = {shop_tz!r}: not a time zone; use a name such as "
                         f"Asia/Ho_Chi_Minh") from None
    return datetime.now(zone).date()


def check_as_of(as_of: date, *, today: date) -> date:
    """An as-of date after today is refused: its month has days no export can hold yet, and a
    page would compare them with a full month as if nobody had bought."""
    if as_of > today:
        last = month_end_before(today)
        raise ParamError(f"--as-of {as_of.isoformat()} is after today ({today.isoformat()} in the "
                         f"shop's time zone): no export holds those days yet. Give a date up to "
                         f"today, e.g. --as-of {last.isoformat()} (the last month that is over), "
                         f"or leave --as-of out for that month.")
    return as_of


def previous_month_end(today: date | None = None) -> date:
    return month_end_before(today or date.today())


@dataclass(frozen=True)
class RunParams:
    """Everything a notebook run depends on, typed and checked. Its repr heads every report."""

    as_of: date
    orders_path: Path
    customers_path: Path | None = None
    returns_path: Path | None = None
    output_dir: Path = DATA_PROCESSED / "runs"
    mapping: str = "auto"
    date_order: str = ""
    decimal_mark: str | dict = ""
    guest_keys: tuple[str, ...] = ()
    heavy_buyers: tuple[str, ...] = ()
    customer_key: str = ""
    phone_region: str = ""
    shop_tz: str = "Asia/Ho_Chi_Minh"
    encoding: str = "utf-8"
    drop_duplicates: bool = False
    scheme: str = "rfm11"
    scheme_params: dict = field(default_factory=dict)
    window_days: int | None = None
    bins: int = 5
    scoring: str = "quantile"
    fixed_cuts: dict = field(default_factory=dict)
    factors: str = "rfm"
    monetary: str = "total"
    excluded_statuses: tuple[str, ...] = ("cancelled", "canceled", "failed", "void")
    lang: str = "vi"
    # the shop's money, an ISO 4217 code: every amount is written in it (core.currency)
    currency: str = "VND"
    threads: int | None = None
    memory_limit: str | None = None
    # DuckDB's scratch on disk: where (None: .tmp in the project) and how much at most
    # (None: DuckDB's 90% of the free disk; the monthly runner shares a budget between notebooks)
    temp_directory: str | None = None
    temp_limit: str | None = None
    # where the models run (issue 18): duckdb on this machine, or spark on spark_master
    engine: str = "duckdb"
    spark_master: str = "local[2]"
    spark_conf: dict = field(default_factory=dict)
    # mode of the files that hold contacts (and of every file the run writes): "0600", or
    # "0640" for a team sharing a group; folders get the matching 0700 / 0750 (core/privacy)
    file_mode: str = DEFAULT_FILE_MODE

    @classmethod
    def from_values(cls, **values) -> RunParams:
        """Parse and check papermill's literals (dates arrive as strings)."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(values) - names
        if unknown:
            raise ParamError(f"unknown parameter(s) {sorted(unknown)}; known: {sorted(names)}")
        v = dict(values)
        v["as_of"] = parse_date(v.get("as_of"), "as_of")
        v["orders_path"] = _existing(v.get("orders_path") or DATA_RAW / "orders.csv", "orders_path")
        cp = v.get("customers_path")
        v["customers_path"] = _existing(cp, "customers_path") if cp else None
        rp = v.get("returns_path")
        v["returns_path"] = _existing(rp, "returns_path") if rp else None
        v["mapping"] = str(v.get("mapping") or "auto")
        v["date_order"] = _choice(str(v.get("date_order") or ""), ("", "auto", "dmy", "mdy", "ymd"),
                                  "date_order")
        v["decimal_mark"] = decimal_mark_setting(v.get("decimal_mark"))
        for key in ("guest_keys", "heavy_buyers"):
            v[key] = _keys(v.get(key), key)
        v["encoding"] = check_encoding(v.get("encoding") or "utf-8")
        v["customer_key"] = _choice(str(v.get("customer_key") or ""), ("", "id", "phone"),
                                    "customer_key")
        v["phone_region"] = _region(v.get("phone_region"))
        out = v.get("output_dir")
        # interactive runs write to data/processed/runs/<as_of>; the monthly runner passes its own
        if out:
            try:
                check_folder(out, "output_dir")
            except ValueError as exc:
                raise ParamError(str(exc)) from None
        v["output_dir"] = resolve(out) if out else DATA_PROCESSED / "runs" / v["as_of"].isoformat()
        wd = v.get("window_days")
        if wd in ("", "none", "None", "null"):
            wd = None
        if wd is not None:
            wd = _int(wd, "window_days")
            if not 1 <= wd <= WHOLE_NUMBERS["window_days"][1]:
                raise ParamError(f"window_days = {wd}: must be a positive number of days up to "
                                 f"{WHOLE_NUMBERS['window_days'][1]:,}, or None for all history")
        v["window_days"] = wd
        v["bins"] = _int(v.get("bins", 5), "bins")
        if not 2 <= v["bins"] <= 10:
            raise ParamError(f"bins = {v['bins']}: use 2 to 10 score levels (5 is usual)")
        v["scoring"] = _choice(v.get("scoring", "quantile"), ("quantile", "fixed"), "scoring")
        v["factors"] = _choice(str(v.get("factors", "rfm")).lower(), FACTORS, "factors")
        v["monetary"] = _choice(v.get("monetary", "total"), ("total", "aov"), "monetary")
        try:
            v["lang"] = check_lang(v.get("lang", "vi"))
        except ValueError as exc:
            raise ParamError(str(exc)) from None
        v["currency"] = check_currency(v.get("currency"))
        statuses = v.get("excluded_statuses", cls.excluded_statuses)
        if isinstance(statuses, str):
            raise ParamError(f"excluded_statuses = {statuses!r}: give a list, e.g. "
                             f"[cancelled, void] (with papermill use -f params.yaml, not -p)")
        v["excluded_statuses"] = tuple(str(s).strip().lower() for s in statuses or ())
        v["fixed_cuts"] = _cuts(v.get("fixed_cuts") or {}, v["bins"], v["scoring"])
        v["scheme_params"] = dict(v.get("scheme_params") or {})
        if v.get("threads") is not None:
            v["threads"] = _int(v["threads"], "threads")
            if not 1 <= v["threads"] <= WHOLE_NUMBERS["threads"][1]:
                raise ParamError(f"threads = {v['threads']}: give 1 to "
                                 f"{WHOLE_NUMBERS['threads'][1]}, or None for all cores")
        file_mode_bits(v.get("file_mode"))
        v["file_mode"] = str(v.get("file_mode") or DEFAULT_FILE_MODE)
        v["memory_limit"] = _size(v.get("memory_limit"), "memory_limit")
        v["temp_limit"] = _size(v.get("temp_limit"), "temp_limit")
        td = v.get("temp_directory")
        v["temp_directory"] = str(resolve(td)) if td not in (None, "", "None", "null") else None
        v["engine"] = _choice(str(v.get("engine") or "duckdb").lower(), ENGINES, "engine")
        v["spark_master"] = _spark_master(v.get("spark_master"))
        v["spark_conf"] = _spark_conf(v.get("spark_conf"))
        return cls(**v)

    @classmethod
    def from_notebook(cls, namespace: dict, **overrides) -> RunParams:
        """The run's settings from a notebook's parameters: every RunParams field the notebook
        declares is taken by name, so a parameter cannot be forgotten on the way in. A parameter
        papermill injected that the notebook does not declare (`-p bin 4`) stops the run here,
        as the monthly runner would: papermill itself only warns and runs with the default."""
        check_injected(namespace)
        names = {f.name for f in dataclasses.fields(cls)}
        values = {name: namespace[name] for name in names if name in namespace}
        return cls.from_values(**(values | overrides))

    @property
    def use(self) -> dict[str, bool]:
        return {"use_r": "r" in self.factors, "use_f": "f" in self.factors,
                "use_m": "m" in self.factors}

    def settings(self) -> dict:
        """The settings that decide a segment snapshot (for its key)."""
        return {"scheme": self.scheme, "scheme_params": self.scheme_params,
                "window_days": self.window_days, "bins": self.bins, "scoring": self.scoring,
                "fixed_cuts": self.fixed_cuts, "factors": self.factors, "monetary": self.monetary,
                "excluded_statuses": list(self.excluded_statuses), "shop_tz": self.shop_tz,
                "mapping": self.mapping, "drop_duplicates": self.drop_duplicates,
                "date_order": self.date_order, "decimal_mark": self.decimal_mark,
                "guest_keys": list(self.guest_keys), "heavy_buyers": list(self.heavy_buyers),
                "customer_key": self.customer_key, "phone_region": self.phone_region}

    def input_options(self) -> dict:
        """How the exports are read (ingest.load's keyword arguments)."""
        return {"mapping": self.mapping, "shop_tz": self.shop_tz, "encoding": self.encoding,
                "drop_duplicates": self.drop_duplicates, "date_order": self.date_order or None,
                "decimal_mark": self.decimal_mark or None,
                "guest_keys": list(self.guest_keys) or None,
                "heavy_buyers": list(self.heavy_buyers) or None,
                "customer_key": self.customer_key or None,
                "phone_region": self.phone_region or None}

    def duckdb_options(self) -> dict:
        """db.connect's keyword arguments: threads, memory and scratch disk."""
        return {"threads": self.threads, "memory_limit": self.memory_limit,
                "temp_directory": self.temp_directory, "temp_limit": self.temp_limit}

    def replace(self, **changes) -> RunParams:
        return dataclasses.replace(self, **changes)


def decimal_mark_setting(value, where: str = "decimal_mark", error=ParamError) -> str | dict:
    """decimal_mark: "," | "." | auto for the file, or {header: mark} per column; "" for none.
    The one check of the setting, for the run's parameter, load()'s argument and a mapping."""
    if isinstance(value, dict):
        if not value or any(str(m) not in ("auto", ",", ".") for m in value.values()):
            raise error(f"{where}: decimal_mark = {value!r}: per column, give each header \",\" "
                        f"or \".\" (or auto): decimal_mark: {{\"Đơn giá\": \",\"}}")
        return {str(k): str(m) for k, m in value.items()}
    text = str(value or "")
    if text not in ("", "auto", ",", "."):
        raise error(f"{where}: decimal_mark = {value!r}: use \",\" or \".\" (or auto) for the "
                    f"file, or per column: decimal_mark: {{\"Đơn giá\": \",\"}}")
    return text


def _keys(value, name: str) -> tuple[str, ...]:
    """guest_keys / heavy_buyers: a list of customer keys (text)."""
    if value in (None, "", [], ()):
        return ()
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, (str, int)) and str(v).strip() for v in value):
        raise ParamError(f"{name} = {value!r}: give a list of customer keys, e.g. "
                         f"{name}: [\"KH000\"] (with papermill use -f params.yaml)")
    return tuple(str(v) for v in value)


def _region(value) -> str:
    """phone_region: a two-letter country code (VN, US, ...), as phonenumbers reads it."""
    text = str(value or "").strip().upper()
    if text and not (len(text) == 2 and text.isalpha()):
        raise ParamError(f"phone_region = {value!r}: give a two-letter country code such as VN")
    return text


def unknown_parameter(key: str, known, where: str,
                      nobody: str = "no notebook declares it") -> str:
    """The one message for a parameter nobody declares, with the names it may have meant."""
    close = [k for k in known if k.replace("_", "") == key.replace("_", "")
             or k.startswith(key[:4])]
    hint = f" (did you mean {', '.join(sorted(close))}?)" if close else ""
    return f"{where}: unknown parameter {key!r}{hint}; {nobody}"


def _assigned(source: str) -> list[str]:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [t.id for node in tree.body if isinstance(node, ast.Assign)
            for t in node.targets if isinstance(t, ast.Name)]


def check_injected(namespace: dict) -> None:
    """Names in papermill's injected cell ("# Parameters") that the notebook's parameters cell
    (the cell run just before it) does not assign: ParamError naming each."""
    cells = list(namespace.get("In") or [])  # IPython's input history, in execution order
    for i, source in enumerate(cells):
        if i and str(source).startswith("# Parameters\n"):
            declared = set(_assigned(cells[i - 1]))
            unknown = [k for k in _assigned(source) if k not in declared]
            if unknown and declared:
                raise ParamError("parameters rejected before running anything:\n  " + "\n  ".join(
                    unknown_parameter(k, declared, "papermill -p",
                                      "this notebook does not declare it") for k in unknown))


def _existing(value, name: str) -> Path:
    """A file, a folder of export files or a glob (data/raw/orders/*.xlsx) that finds files."""

    path = resolve(value)
    if not any(ch in str(value) for ch in "*?[") and not path.exists():
        raise ParamError(f"{name} = {str(value)!r}: no file at {path}. Put the export there, or "
                         f"run `make sample-data` for the sample shop.")
    try:
        expand_inputs(value, key=name)
    except IngestError as exc:
        raise ParamError(str(exc)) from None
    return path


def _int(value, name: str) -> int:
    try:
        if isinstance(value, float) and not value.is_integer():
            raise ValueError
        return int(value)
    except (TypeError, ValueError):
        raise ParamError(f"{name} = {value!r}: must be a whole number") from None


def _choice(value, allowed: tuple, name: str) -> str:
    if value not in allowed:
        raise ParamError(f"{name} = {value!r}: must be one of {', '.join(allowed)}")
    return value


ENGINES = ("duckdb", "spark")


def _spark_master(value) -> str:
    """local, local[N], local[*], spark://host:port, yarn, k8s://…, mesos://… (Spark's forms)."""
    master = str(value or "local[2]").strip()
    if not re.fullmatch(r"local(\[(\d+|\*)(,\s*\d+)?\])?|(spark|k8s|mesos)://\S+|yarn", master):
        raise ParamError(f"spark_master = {master!r}: use local[2], local[*], spark://host:7077, "
                         f"yarn or k8s://https://host:port")
    return master


def bytes_in(size: str) -> int:
    """'1.2 GiB', '1200MB', '8GB' -> bytes (DuckDB's units: KB/MB/GB are 1000s, KiB/... 1024s)."""
    text = str(size).replace(" ", "")
    # DuckDB shows a limit of 2000TB as '1.7 PiB', and no limit (-1) as '16383.9 PiB'
    units = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15,
             "EB": 10**18, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40,
             "PIB": 2**50, "EIB": 2**60}
    number = text.rstrip("BKMGTPEIbkmgtpei")
    unit = text[len(number):].upper() or "B"
    return int(float(number) * units[unit])


def _size(value, name: str) -> str | None:
    """A DuckDB size such as 8GB or 800MB, or None."""
    return None if size_bytes(value, name) is None else str(value)


def size_bytes(value, name: str, example: str = "8GB") -> int | None:
    """The bytes of a size parameter (memory_limit, temp_limit) written as DuckDB writes sizes,
    None when it is not set; anything else stops with the parameter's name and an example."""
    if value in (None, "", "None", "null"):
        return None
    try:
        size = bytes_in(value)
        if size <= 0:
            raise ValueError
    except (KeyError, ValueError, OverflowError):
        raise ParamError(f"{name} = {value!r}: write a size as DuckDB does, such as {example} "
                         f"or 800MB, or null for the default") from None
    return size


def _spark_conf(value) -> dict:
    """Spark settings by their own names (spark.executor.memory: 4g); values are passed as text."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ParamError(f"spark_conf = {value!r}: give a mapping of Spark settings, e.g. "
                         f"{{spark.executor.memory: 4g}} (with papermill use -f params.yaml)")
    bad = [k for k in value if not re.fullmatch(r"spark\.[A-Za-z0-9_.\-]+", str(k))]
    if bad:
        raise ParamError(f"spark_conf: {bad} are not Spark settings (their names start with "
                         f"'spark.')")
    out = {}
    for key, item in value.items():
        if isinstance(item, (dict, list, tuple)) or item is None:
            raise ParamError(f"spark_conf.{key} = {item!r}: give one value (text or a number)")
        out[str(key)] = str(item).lower() if isinstance(item, bool) else str(item)
    return out


def _cuts(cuts: dict, bins: int, scoring: str) -> dict:
    """Fixed cut points: bins - 1 ascending values per factor."""
    allowed = {"recency_days", "frequency", "monetary"}
    bad = set(cuts) - allowed
    if bad:
        raise ParamError(f"fixed_cuts has unknown factor(s) {sorted(bad)}; use {sorted(allowed)}")
    out = {}
    for factor in sorted(allowed):
        values = cuts.get(factor)
        if values is None:
            if scoring == "fixed":
                raise ParamError(f"scoring = 'fixed' needs fixed_cuts.{factor}: {bins - 1} "
                                 f"ascending cut points")
            continue
        values = [float(x) for x in values]
        if len(values) != bins - 1 or values != sorted(values) or len(set(values)) != len(values):
            raise ParamError(f"fixed_cuts.{factor} = {values}: need {bins - 1} strictly "
                             f"ascending cut points for bins = {bins}")
        out[factor] = values
    return out
