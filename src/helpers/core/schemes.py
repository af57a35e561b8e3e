"""Segment schemes: YAML files in params/schemes/ that map RFM scores and raw values to segments.

A scheme is data the analyst can copy and edit. It is checked when loaded: unknown fields, bad
ranges, a scheme used with a number of bins it was not written for, a factor the run does not score,
and rules that leave a combination unassigned or assign it twice are errors naming file and segment.

Two ways to write rules:
- `grid`: rows and columns on two scores (rfm11: r_score x fm_score), one segment key per cell.
- `when` / `when_any` on each segment: conditions on r_score, f_score, m_score, fm_score,
  recency_days, frequency, monetary. A condition is a number (equal), `[min, max]` (inclusive,
  null = open) or `{min, max, above, below}`; bounds may name a scheme parameter as "$name".
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from helpers.core.paths import SCHEMES_DIR, resolve
from helpers.core.yamlsafe import MAX_BYTES, read_yaml_text

SCORE_VARS = ("r_score", "f_score", "m_score", "fm_score")
RAW_VARS = ("recency_days", "frequency", "monetary")
VARIABLES = SCORE_VARS + RAW_VARS
INTEGER_VARS = set(SCORE_VARS) | {"recency_days", "frequency"}
PROSPECT = "prospect"
PROSPECT_DEFAULT = {
    "labels": {"vi": "Người quan tâm", "en": "Prospect"},
    "description": {"vi": "Đã đăng ký nhưng chưa mua (R0/F0/M0)",
                    "en": "Signed up, never bought (R0/F0/M0)"},
    "action": {"vi": "Gửi ưu đãi đơn đầu tiên", "en": "First-order offer"},
}
SEGMENT_FIELDS = {"rank", "labels", "description", "action", "when", "when_any", "color"}
SCHEME_FIELDS = {"name", "description", "bins", "grid", "segments", "params", "factors",
                 "movers_lists"}
MOVERS_FIELDS = {"from", "to", "labels"}
FACTOR_SCORES = {"r": "r_score", "f": "f_score", "m": "m_score"}


class SchemeError(ValueError):
    """A scheme file that cannot be used as written; the message names file and segment."""


@dataclass(frozen=True)
class Segment:
    key: str
    rank: int
    labels: dict
    description: dict
    action: dict
    color: str | None = None


@dataclass
class Scheme:
    """A validated scheme: segments in rank order and its rules as bounds per variable."""

    name: str
    path: str
    bins: int
    segments: list[Segment]
    rules: pd.DataFrame  # one row per (segment, alternative): <var>_min/<var>_max, null = open
    params: dict = field(default_factory=dict)
    description: dict | str = ""
    # name -> {from: [keys], to: [keys], labels: {vi, en}}: who moved between which segments,
    # the lists notebook 02 writes (an empty `from` means any other segment)
    movers_lists: dict = field(default_factory=dict)
    content_sha: str = ""  # sha256 of the scheme file: snapshots made under other rules differ
    # what is derived from the rules once (the score lookup per factors); not part of equality
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def keys(self) -> list[str]:
        return [s.key for s in self.segments]

    @property
    def order(self) -> list[str]:
        """Segment keys best to worst, prospects last."""
        return self.keys

    def rank(self) -> dict[str, int]:
        return {s.key: s.rank for s in self.segments}

    def label(self, key: str, lang: str) -> str:
        seg = next((s for s in self.segments if s.key == key), None)
        return key if seg is None else seg.labels.get(lang, seg.labels.get("en", key))

    def labels(self, lang: str) -> dict[str, str]:
        return {s.key: self.label(s.key, lang) for s in self.segments}

    def actions(self, lang: str) -> dict[str, str]:
        return {s.key: s.action.get(lang, s.action.get("en", "")) for s in self.segments}

    def movers_label(self, name: str, lang: str) -> str:
        """A movers list by its name in the scheme (a list named only in params: its key, in
        words)."""
        labels = (self.movers_lists.get(name) or {}).get("labels") or {}
        return labels.get(lang) or labels.get("en") or name.replace("_", " ")

    def colors(self) -> dict[str, str]:
        return {s.key: s.color for s in self.segments if s.color}

    def segment_table(self, lang: str) -> pd.DataFrame:
        """segment, segment_rank, segment_label, segment_description, suggested_action."""
        return pd.DataFrame({
            "segment": [s.key for s in self.segments],
            "segment_rank": [s.rank for s in self.segments],
            "segment_label": [self.label(s.key, lang) for s in self.segments],
            "segment_description": [s.description.get(lang, s.description.get("en", ""))
                                    for s in self.segments],
            "suggested_action": [s.action.get(lang, s.action.get("en", "")) for s in self.segments],
        })

    def variables_used(self) -> set[str]:
        used = set()
        for var in VARIABLES:
            if self.rules[f"{var}_min"].notna().any() or self.rules[f"{var}_max"].notna().any():
                used.add(var)
        return used


def scheme_path(name_or_path: str | Path) -> Path:
    """A shipped scheme's file by its name (letters, digits, _ and - only: never a way out of
    params/schemes/), or a path to a .yaml file as given."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml"):
        return resolve(p)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}", str(name_or_path)):
        raise SchemeError(f"scheme {str(name_or_path)!r}: give a shipped scheme's name "
                          f"({', '.join(available_schemes())}) or a path to a .yaml file")
    return SCHEMES_DIR / f"{name_or_path}.yaml"


def available_schemes() -> list[str]:
    return sorted(p.stem for p in SCHEMES_DIR.glob("*.yaml"))


def load_scheme(
    name_or_path: str | Path, *, bins: int = 5, factors: str = "rfm", params: dict | None = None
) -> Scheme:
    """Read, check and compile a scheme for a run with `bins` score levels and `factors`.

    The same file content with the same settings gives the same Scheme object (compiled once:
    the explorer asks for it on every redraw); treat it as read-only. An edited file is read
    again, since its content is part of the key."""
    path = scheme_path(name_or_path)
    if not path.exists():
        raise SchemeError(f"scheme {name_or_path!r} not found at {path}; shipped schemes: "
                          f"{', '.join(available_schemes())}")
    if not path.is_file():
        raise SchemeError(f"scheme {name_or_path!r}: {path} is not a file")
    if path.stat().st_size > MAX_BYTES:
        raise SchemeError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB; a scheme file is a "
                          f"few kilobytes (is this the right file?)")
    content = path.read_bytes()
    key = (str(path), hashlib.sha256(content).hexdigest(), int(bins), factors,
           json.dumps(params or {}, sort_keys=True, default=repr))
    if key not in _COMPILED:
        if len(_COMPILED) >= 32:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = _compile_scheme(path, content, bins=bins, factors=factors, params=params)
    return _COMPILED[key]


_COMPILED: dict[tuple, Scheme] = {}


def _compile_scheme(path: Path, content: bytes, *, bins: int, factors: str,
                    params: dict | None) -> Scheme:
    where = str(path)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SchemeError(f"{where}: not UTF-8 text; save it as UTF-8") from None
    doc = read_yaml_text(text, where, error=SchemeError) or {}
    if not isinstance(doc, dict):
        raise SchemeError(f"{where}: a scheme file holds fields such as name:, segments:")
    unknown = set(doc) - SCHEME_FIELDS
    if unknown:
        raise SchemeError(f"{where}: unknown field(s) {sorted(unknown)}; allowed: "
                          f"{sorted(SCHEME_FIELDS)}")
    scheme_bins = int(doc.get("bins", 5))
    if scheme_bins != int(bins):
        raise SchemeError(f"{where}: written for bins = {scheme_bins}, but the run uses bins = "
                          f"{bins}. Use bins: {scheme_bins}, or a scheme written for {bins}.")
    values = dict(doc.get("params") or {})
    for key, value in (params or {}).items():
        if key not in values:
            raise SchemeError(f"{where}: scheme parameter {key!r} is not declared "
                              f"(declared: {sorted(values) or 'none'})")
        values[key] = value
    raw_segments = doc.get("segments") or {}
    if not isinstance(raw_segments, dict) or not raw_segments:
        raise SchemeError(f"{where}: `segments` must map segment keys to their settings")

    segments, rows = [], []
    for key, spec in raw_segments.items():
        spec = spec or {}
        bad = set(spec) - SEGMENT_FIELDS
        if bad:
            raise SchemeError(f"{where}: segment {key!r} has unknown field(s) {sorted(bad)}; "
                              f"allowed: {sorted(SEGMENT_FIELDS)}")
        if not str(key).isidentifier() or not str(key).isascii() or str(key) != str(key).lower():
            raise SchemeError(f"{where}: segment key {key!r} must be ASCII snake_case "
                              f"(labels carry the display names)")
        labels = spec.get("labels") or {}
        if key != PROSPECT and not {"vi", "en"} <= set(labels):
            raise SchemeError(f"{where}: segment {key!r} needs labels for vi and en")
        if "rank" not in spec and key != PROSPECT:
            raise SchemeError(f"{where}: segment {key!r} needs a rank (1 = best)")
        segments.append(Segment(
            key=key,
            rank=int(spec.get("rank", 10_000)),
            labels=labels or PROSPECT_DEFAULT["labels"],
            description=_text(spec.get("description")) or (
                PROSPECT_DEFAULT["description"] if key == PROSPECT else {}),
            action=_text(spec.get("action")) or (
                PROSPECT_DEFAULT["action"] if key == PROSPECT else {}),
            color=spec.get("color"),
        ))
        alternatives = []
        if "when" in spec:
            alternatives.append(spec["when"])
        alternatives += list(spec.get("when_any") or [])
        if key == PROSPECT and alternatives:
            raise SchemeError(f"{where}: segment 'prospect' is given automatically to customers "
                              f"who never bought; it takes no rule")
        for i, cond in enumerate(alternatives):
            rows.append(_compile(cond, key, i, scheme_bins, values, where))

    if "grid" in doc:
        rows += _compile_grid(doc["grid"], scheme_bins, {s.key for s in segments}, where)
    if not rows:
        raise SchemeError(f"{where}: no rules: give a `grid` or `when` on the segments")

    ranks = [s.rank for s in segments if s.key != PROSPECT]
    if len(set(ranks)) != len(ranks):
        raise SchemeError(f"{where}: segment ranks must be distinct (they order best to worst)")
    if PROSPECT not in {s.key for s in segments}:
        segments.append(Segment(PROSPECT, 10_000, **PROSPECT_DEFAULT))
    segments.sort(key=lambda s: s.rank)
    segments = [Segment(s.key, i + 1, s.labels, s.description, s.action, s.color)
                for i, s in enumerate(segments)]
    rules = pd.DataFrame(rows)
    for var in VARIABLES:
        for end in ("min", "max"):
            col = f"{var}_{end}"
            if col not in rules:
                rules[col] = None
            rules[col] = rules[col].astype("Float64")
    rules = rules[["segment", "alternative"] + [f"{v}_{e}" for v in VARIABLES
                                                for e in ("min", "max")]]
    assigned = set(rules.segment)
    unused = [s.key for s in segments if s.key not in assigned and s.key != PROSPECT]
    if unused:
        raise SchemeError(f"{where}: segment(s) {unused} have no rule and would stay empty")
    movers = check_movers_lists(doc.get("movers_lists") or {}, [s.key for s in segments],
                                where=where, need_labels=True)
    scheme = Scheme(name=doc.get("name", path.stem), path=where, bins=scheme_bins,
                    segments=segments, rules=rules, params=values,
                    description=doc.get("description", ""), movers_lists=movers,
                    content_sha=hashlib.sha256(content).hexdigest())
    check_factors(scheme, factors)
    check_coverage(scheme, factors)
    return scheme


def check_movers_lists(lists: dict, known: list[str], *, where: str = "movers_lists",
                       need_labels: bool = False) -> dict:
    """Named lists of movers, checked against the scheme's segments: {name: {from, to, labels}}."""
    if not isinstance(lists, dict):
        raise SchemeError(f"{where}: movers_lists must map list names to {{from: [...], to: "
                          f"[...]}}")
    out = {}
    for name, spec in lists.items():
        if not str(name).isidentifier() or not str(name).isascii():
            raise SchemeError(f"{where}: movers list name {name!r} must be ASCII snake_case "
                              f"(it is a file name)")
        if not isinstance(spec, dict) or set(spec) - MOVERS_FIELDS or not spec.get("to"):
            raise SchemeError(f"{where}: movers list {name!r}: give {{from: [segments], to: "
                              f"[segments]}} (an empty 'from' means any other segment)")
        unknown = sorted((set(spec.get("from") or []) | set(spec["to"])) - set(known))
        if unknown:
            raise SchemeError(f"{where}: movers list {name!r} names unknown segment(s) "
                              f"{unknown}; the scheme has {known}")
        labels = _text(spec.get("labels"))
        if need_labels and not {"vi", "en"} <= set(labels):
            raise SchemeError(f"{where}: movers list {name!r} needs labels for vi and en")
        out[str(name)] = {"from": list(spec.get("from") or []), "to": list(spec["to"]),
                          "labels": labels}
    return out


def _text(value) -> dict:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"vi": value, "en": value}
    return dict(value)


def _bound(value, params: dict, where: str, key: str):
    if isinstance(value, str) and value.startswith("$"):
        name = value[1:]
        if name not in params:
            raise SchemeError(f"{where}: segment {key!r} uses parameter {value!r}, which the "
                              f"scheme does not declare under `params`")
        return params[name]
    return value


def _compile(cond: dict, key: str, alternative: int, bins: int, params: dict, where: str) -> dict:
    if not isinstance(cond, dict) or not cond:
        raise SchemeError(f"{where}: segment {key!r}: a rule is a mapping of variable to range")
    row = {"segment": key, "alternative": alternative}
    for var, spec in cond.items():
        if var not in VARIABLES:
            raise SchemeError(f"{where}: segment {key!r}: unknown variable {var!r}; use one of "
                              f"{', '.join(VARIABLES)}")
        lo = hi = None
        if isinstance(spec, (int, float, str)) and not isinstance(spec, bool):
            lo = hi = _bound(spec, params, where, key)
        elif isinstance(spec, list) and len(spec) == 2:
            lo, hi = (_bound(v, params, where, key) for v in spec)
        elif isinstance(spec, dict) and set(spec) <= {"min", "max", "above", "below"}:
            step = 1 if var in INTEGER_VARS else 0.01  # money has 2 decimals
            if "min" in spec:
                lo = _bound(spec["min"], params, where, key)
            if "above" in spec:
                lo = _bound(spec["above"], params, where, key) + step
            if "max" in spec:
                hi = _bound(spec["max"], params, where, key)
            if "below" in spec:
                hi = _bound(spec["below"], params, where, key) - step
        else:
            raise SchemeError(f"{where}: segment {key!r}: {var} must be a number, [min, max] or "
                              f"{{min/max/above/below}}, not {spec!r}")
        if lo is not None and hi is not None and lo > hi:
            raise SchemeError(f"{where}: segment {key!r}: {var} range [{lo}, {hi}] is empty")
        if var in SCORE_VARS:
            for v in (lo, hi):
                if v is not None and not (1 <= v <= bins):
                    raise SchemeError(f"{where}: segment {key!r}: {var} bound {v} is outside "
                                      f"1..{bins}")
        row[f"{var}_min"], row[f"{var}_max"] = lo, hi
    return row


def _compile_grid(grid: dict, bins: int, keys: set[str], where: str) -> list[dict]:
    rows_var, cols_var = grid.get("rows"), grid.get("columns")
    cells = grid.get("cells") or {}
    if rows_var not in SCORE_VARS or cols_var not in SCORE_VARS or rows_var == cols_var:
        raise SchemeError(f"{where}: grid rows and columns must be two different scores of "
                          f"{SCORE_VARS}")
    if sorted(int(k) for k in cells) != list(range(1, bins + 1)):
        raise SchemeError(f"{where}: grid needs one row per {rows_var} 1..{bins}")
    out = []
    for r, row in cells.items():
        if len(row) != bins:
            raise SchemeError(f"{where}: grid row {rows_var}={r} has {len(row)} cells, "
                              f"expected {bins}")
        for c, key in enumerate(row, start=1):
            if key not in keys:
                raise SchemeError(f"{where}: grid cell {rows_var}={r}, {cols_var}={c} names "
                                  f"{key!r}, which is not under `segments`")
            out.append({"segment": key, "alternative": 1000 + int(r) * 100 + c,
                        f"{rows_var}_min": int(r), f"{rows_var}_max": int(r),
                        f"{cols_var}_min": c, f"{cols_var}_max": c})
    return out


def check_factors(scheme: Scheme, factors: str) -> None:
    """A scheme may only use the scores the run computes."""
    available = available_scores(factors)
    missing = [v for v in scheme.variables_used() if v in SCORE_VARS and v not in available]
    if missing:
        raise SchemeError(f"{scheme.path}: the rules use {missing}, but factors = {factors!r} "
                          f"scores only {sorted(available)}. Choose factors that include them "
                          f"or another scheme.")


def available_scores(factors: str) -> set[str]:
    got = {FACTOR_SCORES[f] for f in factors}
    if "f_score" in got or "m_score" in got:
        got.add("fm_score")
    return got


def _fm(f, m):
    if f is not None and m is not None:
        return (f + m + 1) // 2  # floor((f + m) / 2 + 0.5)
    return f if f is not None else m


def _raw_points(scheme: Scheme, var: str) -> list[float]:
    bounds = set()
    for end in ("min", "max"):
        bounds |= {float(v) for v in scheme.rules[f"{var}_{end}"].dropna()}
    if not bounds:
        return [None]
    step = 1.0 if var in INTEGER_VARS else 0.005
    pts = {b + d for b in bounds for d in (-step, 0.0, step)}
    if var in ("recency_days", "frequency"):
        pts = {p for p in pts if p >= 0} | {0.0}
    pts |= {min(pts) - 1000 * step, max(pts) + 1000 * step}
    if var in ("recency_days", "frequency"):
        pts = {p for p in pts if p >= 0}
    return sorted(pts)


def _matches(rule: dict, point: dict) -> bool:
    for var, value in point.items():
        lo, hi = rule[f"{var}_min"], rule[f"{var}_max"]
        if pd.isna(lo) and pd.isna(hi):
            continue
        if value is None:
            return False
        if not pd.isna(lo) and value < lo:
            return False
        if not pd.isna(hi) and value > hi:
            return False
    return True


def check_coverage(scheme: Scheme, factors: str = "rfm") -> None:
    """Every combination of scores (and of the raw-value ranges the rules name) gets one segment."""
    bins = scheme.bins
    levels = {s: (list(range(1, bins + 1)) if s in available_scores(factors) else [None])
              for s in ("r_score", "f_score", "m_score")}
    raw = {v: _raw_points(scheme, v) for v in RAW_VARS}
    rules = scheme.rules.to_dict("records")
    by_alt = {}
    for rule in rules:
        by_alt.setdefault(rule["segment"], []).append(rule)
    for r, f, m in itertools.product(levels["r_score"], levels["f_score"], levels["m_score"]):
        for raw_values in itertools.product(*raw.values()):
            point = {"r_score": r, "f_score": f, "m_score": m, "fm_score": _fm(f, m)}
            point |= dict(zip(raw, raw_values))
            hits = sorted({seg for seg, alts in by_alt.items()
                           if any(_matches(a, point) for a in alts)})
            if len(hits) == 1:
                continue
            shown = ", ".join(f"{k}={v:g}" for k, v in point.items() if v is not None)
            if not hits:
                raise SchemeError(f"{scheme.path}: the combination {shown} is not assigned to any "
                                  f"segment: add it to a segment's rule")
            raise SchemeError(f"{scheme.path}: the combination {shown} is assigned to several "
                              f"segments ({', '.join(hits)}): make their rules exclusive")


def score_lookup(scheme: Scheme, factors: str = "rfm") -> pd.DataFrame | None:
    """For a scheme whose rules use scores only: every (r, f, m) combination and its segment,
    so segments can be assigned by an equality join (0 stands for a factor left out).
    None when a rule uses raw values (recency_days, frequency, monetary). Computed once per
    scheme and factors; the frame is shared, so read it, do not change it."""
    key = f"score_lookup:{factors}"
    if key not in scheme.derived:
        scheme.derived[key] = _score_lookup(scheme, factors)
    return scheme.derived[key]


def _score_lookup(scheme: Scheme, factors: str) -> pd.DataFrame | None:
    if scheme.variables_used() - set(SCORE_VARS):
        return None
    scores = available_scores(factors)
    levels = {s: (list(range(1, scheme.bins + 1)) if s in scores else [None])
              for s in ("r_score", "f_score", "m_score")}
    rules = scheme.rules.to_dict("records")
    rows = []
    for r, f, m in itertools.product(levels["r_score"], levels["f_score"], levels["m_score"]):
        point = {"r_score": r, "f_score": f, "m_score": m, "fm_score": _fm(f, m)}
        segment = next(rule["segment"] for rule in rules if _matches(rule, point))
        rows.append({"r_key": r or 0, "f_key": f or 0, "m_key": m or 0, "segment": segment})
    return pd.DataFrame(rows)
