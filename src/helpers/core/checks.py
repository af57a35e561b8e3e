"""Every run parameter that reaches a path or a size, checked against its allowed form before
anything is built from it (issue 32: `lang: "x/../../../victim.txt"` once made the runner delete
a file outside the project, taking it for a stale lock).

check_run_values(params) returns one sentence per rejected value; the monthly runner raises them
together as a ParamError before it builds a path, takes a lock or starts a kernel. The notebooks
check the same parameters again when they start (RunParams, the pages' own checks).
"""

from __future__ import annotations

import codecs
import difflib
import math
import re
from pathlib import Path

from helpers.core.errors import IngestError, ParamError
from helpers.core.files import SUPPORTED_SUFFIXES, expand_inputs
from helpers.core.paths import DATA_RAW, MAPPINGS_DIR, PROJECT_ROOT, SCHEMES_DIR, resolve
from helpers.core.privacy import file_mode_bits
from helpers.core.safety import KEY

LANGS = ("vi", "en")

# whole numbers: (smallest, largest, what the number counts); None is allowed where the
# parameter's default is None
WHOLE_NUMBERS = {
    "bins": (2, 10, "score levels"),
    "window_days": (1, 36_500, "days"),
    "trend_months": (1, 120, "month ends"),
    "max_periods": (1, 1_200, "cohort periods"),
    "horizon_days": (1, 3_650, "days"),
    "threads": (1, 1_024, "threads"),
    "fit_max_customers": (100, 1_000_000_000, "customers"),
    "fit_seed": (0, 2**32 - 1, "a seed"),
}
NULLABLE = {"window_days", "max_periods", "threads"}
# fractions: (lowest, highest, whether the lowest itself is allowed)
FRACTIONS = {"holdout_share": (0.0, 0.9, True), "detectable_uplift": (0.0, 0.9, False)}

# exports a run reads: a file, a folder or a glob of shop exports
DATA_INPUTS = ("orders_path", "customers_path", "returns_path", "campaigns_path",
               "campaign_sends_path", "campaign_holdout_path")
# names that become part of a file name
KEYS = ("next_campaign_key", "next_campaign_target")


def known_names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.yaml"))


def check_lang(value) -> str:
    if value not in LANGS:
        raise ParamError(f"lang = {value!r}: must be one of {', '.join(LANGS)}")
    return value


def check_named_file(value, name: str, folder: Path, also: tuple[str, ...] = ()) -> str:
    """A shipped file's name (params/<folder>/<name>.yaml) or a path to an existing .yaml
    file; never a name that climbs out of the folder."""
    text = str(value)
    if text in also:
        return text
    if Path(text).suffix in (".yaml", ".yml"):
        path = resolve(text)
        if not path.is_file():
            raise ValueError(f"{name} = {text!r}: no such file ({path})")
        return text
    if not KEY.match(text) or not (folder / f"{text}.yaml").is_file():
        names = [*also, *known_names(folder)]
        close = difflib.get_close_matches(text.lower(), names, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"{name} = {text!r}{hint}: give one of {', '.join(names)}, or a path to "
                         f"a .yaml file")
    return text


def check_folder(value, name: str) -> Path:
    """A folder the workbook writes into: not a file, not the exports' own folder, not the
    project folder itself, and no `..` in a relative path."""
    text = str(value)
    if "\x00" in text:
        raise ValueError(f"{name} = {text!r}: not a path")
    if not Path(text).is_absolute() and ".." in Path(text).parts:
        raise ValueError(f"{name} = {text!r}: a relative path may not climb out of the project "
                         f"(..); give an absolute path if the folder is elsewhere")
    path = resolve(text).resolve()
    if path.exists() and not path.is_dir():
        raise ValueError(f"{name} = {text!r}: {path} is a file, not a folder")
    raw = DATA_RAW.resolve()
    if path in (PROJECT_ROOT.resolve(), Path(path.anchor)) or path == raw or raw in path.parents:
        raise ValueError(f"{name} = {text!r}: the workbook does not write into {path}; choose "
                         f"a folder of its own (e.g. reports/)")
    return path


def check_input(value, name: str) -> list[Path]:
    """A shop export: files with an export's suffix ({SUPPORTED_SUFFIXES}); never a key file
    or a system file taken for one."""
    text = str(value)
    if "\x00" in text:
        raise ValueError(f"{name} = {text!r}: not a path")
    try:
        files = expand_inputs(text, key=name)
    except IngestError as exc:
        raise ValueError(str(exc)) from None
    odd = [f for f in files if f.suffix.lower() not in SUPPORTED_SUFFIXES]
    if odd:
        raise ValueError(f"{name} = {text!r}: {odd[0]} is not a shop export (a "
                         f"{', '.join(SUPPORTED_SUFFIXES)} file)")
    return files


def check_whole(value, name: str) -> str | None:
    low, high, unit = WHOLE_NUMBERS[name]
    if value is None and name in NULLABLE:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            isinstance(value, float) and not value.is_integer()):
        return f"{name} = {value!r}: give a whole number from {low:,} to {high:,} ({unit})"
    if not low <= value <= high:
        return f"{name} = {value!r}: give a whole number from {low:,} to {high:,} ({unit})"
    return None


def check_fraction(value, name: str) -> str | None:
    low, high, low_ok = FRACTIONS[name]
    ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
          and math.isfinite(value) and (low <= value if low_ok else low < value) and value <= high)
    if not ok:
        return (f"{name} = {value!r}: give a share "
                f"{'from' if low_ok else 'above'} {low:g} to {high:g}, e.g. 0.1 for 10%")
    return None


def check_windows(value) -> str | None:
    days = value if isinstance(value, (list, tuple)) else None
    if not days or len(days) > 20 or not all(
            isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 3_650 for d in days) \
            or list(days) != sorted(set(days)):
        return (f"windows = {value!r}: give up to 20 strictly ascending whole numbers of days "
                f"from 1 to 3,650, e.g. [7, 14, 28]")
    return None


def check_encoding(value) -> str:
    """A text encoding Python knows (utf-8, cp1258, utf-16, …)."""
    try:
        codecs.lookup(str(value))
    except LookupError:
        raise ParamError(f"encoding = {value!r}: not an encoding Python knows; use utf-8, "
                         f"utf-8-sig, utf-16, cp1258 (Vietnamese Windows) or cp1252 "
                         f"(with papermill use -f params.yaml)") from None
    return str(value)


def check_run_values(params: dict) -> list[str]:
    """One sentence per parameter value outside its allowed form (see the module)."""
    errors: list[str] = []

    def attempt(check, *args):
        try:
            check(*args)
        except ValueError as exc:
            errors.append(str(exc))

    if "lang" in params:
        attempt(check_lang, params["lang"])
    if "file_mode" in params:
        attempt(file_mode_bits, params["file_mode"])
    if params.get("encoding"):
        attempt(check_encoding, params["encoding"])
    if "scheme" in params:
        attempt(check_named_file, params["scheme"], "scheme", SCHEMES_DIR)
    if "mapping" in params:
        attempt(check_named_file, params["mapping"], "mapping", MAPPINGS_DIR, ("auto",))
    for key in DATA_INPUTS:
        value = params.get(key)
        if value in (None, ""):
            continue
        if not any(ch in str(value) for ch in "*?[") and not resolve(str(value)).exists():
            continue  # said where the file is read (the campaign files are optional)
        attempt(check_input, value, key)
    if params.get("loyalty_path"):
        path = resolve(str(params["loyalty_path"]))
        if Path(str(params["loyalty_path"])).suffix not in (".yaml", ".yml") or not path.is_file():
            errors.append(f"loyalty_path = {params['loyalty_path']!r}: give an existing .yaml "
                          f"file (params/loyalty.yaml)")
    if params.get("temp_directory") not in (None, "", "None", "null"):
        attempt(check_folder, params["temp_directory"], "temp_directory")
    for key in KEYS:
        value = params.get(key)
        if value not in (None, "") and (not isinstance(value, str) or not KEY.match(value)):
            errors.append(f"{key} = {value!r}: use letters, digits, _ and - only (it becomes "
                          f"part of a file name)")
    for name in (params.get("movers_lists") or {}) if isinstance(
            params.get("movers_lists"), dict) else ():
        if not isinstance(name, str) or not KEY.match(name):
            errors.append(f"movers_lists: the list name {name!r}: use letters, digits, _ and - "
                          f"only (it becomes a file name)")
    for name in WHOLE_NUMBERS:
        if name in params:
            message = check_whole(params[name], name)
            if message:
                errors.append(message)
    for name in FRACTIONS:
        if name in params:
            message = check_fraction(params[name], name)
            if message:
                errors.append(message)
    if "windows" in params:
        message = check_windows(params["windows"])
        if message:
            errors.append(message)
    if "scheme_params" in params and isinstance(params["scheme_params"], dict):
        bad = [k for k in params["scheme_params"] if not re.fullmatch(r"[a-z_][a-z0-9_]*", str(k))]
        if bad:
            errors.append(f"scheme_params: {bad} are not parameter names (snake_case)")
    return errors
