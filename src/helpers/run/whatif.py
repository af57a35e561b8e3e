"""What-ifs never replace the managers' month (issue 33).

The month published as reports/<as_of>/ is the one made with the shop's own params: the params
files the run is given with --params (params/default.yaml, then the first file named: by default
params/monthly.yaml, the file `make monthly` reads). Anything on top of them (a later --params
file, `--set key=value`) is a what-if when it changes a value that shapes the figures or the
lists. A what-if is published to reports/<as_of>-<name>/ (named by --name, or after what differs:
2026-11-30-scheme-vn4), never over the month, unless --publish is given.

What does not make a what-if: a value equal to the shop's own (the month is the same month), and
the settings of how the run runs, not what it shows (RUN_ONLY: threads, memory and scratch disk,
the engine and Spark's settings, file_mode). `lang` has its own folder already
(reports/<as_of>-en/), so a run in the other language is that language's month, not a what-if.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from helpers.core.checks import LANGS
from helpers.core.errors import ParamError
from helpers.core.yamlsafe import read_yaml_text

# settings of how a run runs, never of what it shows
RUN_ONLY = frozenset({"threads", "memory_limit", "temp_directory", "temp_limit", "engine",
                      "spark_master", "spark_conf", "file_mode", "lang"})
# the settings that make the segments: a what-if changing them is named after them alone
HEADLINE = ("scheme", "scheme_params", "window_days", "bins", "scoring", "fixed_cuts", "factors",
            "monetary")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,59}")
NAME_LIMIT = 60


@dataclass(frozen=True)
class WhatIf:
    """What a run changes from the shop's own params. `name` is "" for the managers' month."""

    name: str = ""
    changes: dict = field(default_factory=dict)  # key -> {"shop": value, "run": value}
    published: bool = False  # --publish: made with other values, published as the month anyway

    @property
    def is_what_if(self) -> bool:
        return bool(self.name)

    def folder(self, month: str) -> str:
        """reports/<month>/ for the month, reports/<month>-<name>/ for a what-if."""
        return f"{month}-{self.name}" if self.name else month

    def said(self) -> str:
        """The changes in one line: scheme = vn4 (the shop's own: rfm11)."""
        return "; ".join(f"{key} = {_show(c['run'])} (the shop's own: {_show(c['shop'])})"
                         for key, c in self.changes.items()) or "no value changed"

    def manifest(self) -> dict:
        return {"what_if": self.name, "what_if_changes": self.changes,
                "published_with_changes": self.published and bool(self.changes)}


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _same(a, b) -> bool:
    def norm(v):
        if isinstance(v, date):
            return v.isoformat()
        if isinstance(v, tuple):
            return list(v)
        return v
    return json.dumps(norm(a), sort_keys=True, default=str) == json.dumps(norm(b), sort_keys=True,
                                                                           default=str)


def changes(shop: dict, run: dict) -> dict:
    """key -> {"shop", "run"} for every value the run takes that is not the shop's own (keys of
    how the run runs left out), in the order the run's values were given."""
    out = {}
    for key, value in run.items():
        if key in RUN_ONLY:
            continue
        if key not in shop or not _same(shop[key], value):
            out[key] = {"shop": shop.get(key), "run": value}
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "-", text.lower()).strip("-_")


def name_after(found: dict) -> str:
    """A folder name from what differs: scheme-vn4, window_days-180, bins-4-scheme-care4; a key
    alone when its value is a list, a mapping or long; never over NAME_LIMIT characters. When
    the segments' settings differ (HEADLINE), the name is theirs alone (scheme-vn4, whatever
    target goes with it); the manifest lists every change."""
    parts = []
    lead = {k: v for k, v in found.items() if k in HEADLINE} or found
    for key, change in lead.items():
        value = change["run"]
        if isinstance(value, str) and Path(value).suffix in (".yaml", ".yml"):
            value = Path(value).stem  # a scheme or mapping given as a path: its file name
        text = _slug(str(value)) if isinstance(value, (str, int, float, bool)) or value is None \
            else ""
        parts.append(f"{key}-{text}" if text and len(text) <= 20 else key)
    name = "-".join(parts) or "what-if"  # keys are snake_case, values slugged: a safe name
    if len(name) > NAME_LIMIT:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        name = f"{name[:NAME_LIMIT - 9].rstrip('-_')}-{digest}"
    return name


def check_name(name: str) -> str:
    """--name: letters, digits, _ and - (it becomes a folder's name beside the months); never a
    path, a space, or a language's month (reports/<as_of>-en/)."""
    text = str(name)
    if not NAME.fullmatch(text) or text.lower() in LANGS:
        suggestion = _slug(Path(text.replace("\\", "/")).name)[:NAME_LIMIT] or "my-what-if"
        if suggestion.lower() in LANGS:
            suggestion = f"{suggestion}-what-if"
        why = ("is a language's month folder (reports/<as_of>-en/)" if text.lower() in LANGS
               else f"use 1 to {NAME_LIMIT} letters, digits, _ and - (it names the folder "
                    f"reports/<as_of>-<name>/, so no spaces, dots or slashes)")
        raise ParamError(f"--name {text!r}: {why}; e.g. --name {suggestion}")
    return text


def decide(shop: dict, run: dict, *, name: str | None = None, publish: bool = False) -> WhatIf:
    """The run's what-if (see the module). --name makes a what-if folder even when nothing
    differs (asked for by name); --publish publishes whatever differs as the month."""
    if name is not None and publish:
        raise ParamError("--name and --publish: a what-if is published either beside the month "
                         "(--name) or as the month (--publish), not both; choose one")
    found = changes(shop, run)
    if publish:
        return WhatIf("", found, published=True)
    if name is not None:
        return WhatIf(check_name(name), found)
    return WhatIf(name_after(found), found) if found else WhatIf("", {})


def _pairs(items) -> list[str]:
    """KEY=VALUE texts from --set's arguments: `--set scheme=vn4`, and papermill's habit
    `-p scheme vn4` (a key without = followed by its value)."""
    out: list[str] = []
    for group in items or []:
        words = [group] if isinstance(group, str) else list(group)
        if len(words) == 2 and "=" not in words[0]:
            out.append(f"{words[0]}={words[1]}")
        else:
            out += [str(w) for w in words]
    return out


def parse_set(items: list | None) -> dict:
    """--set KEY=VALUE (repeatable): VALUE read as YAML (vn4, 180, null, [7, 14], {a: 1})."""
    out = {}
    for item in _pairs(items):
        key, sep, text = str(item).partition("=")
        key = key.strip()
        if not sep or not re.fullmatch(r"[a-z_][a-z0-9_]*", key):
            raise ParamError(f"--set {item!r}: write KEY=VALUE with a parameter's name, e.g. "
                             f"--set scheme=vn4 or --set window_days=180")
        value = read_yaml_text(text, f"--set {key}", error=ParamError) if text.strip() else ""
        out[key] = value
    return out
