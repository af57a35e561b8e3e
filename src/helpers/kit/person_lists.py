"""The lists a person opens: an XLSX beside each list's CSV, in the run's language.

The CSV stays the data file (keys, snake_case columns, true/false, for campaign tools and
analysts); beside it, <same folder>/<same stem>.xlsx shows the same customers for a manager:
headers in words, segments and tiers by their labels (`Khách hàng trung thành → Có nguy cơ rời
bỏ`), consent as Có/Không, money as numbers Excel sums shown as `#,##0 ₫` (in the run's
currency: `"$"#,##0.00`), dates as dates, columns as wide as their content, the header row
frozen with a filter (kit.xlsx). Text cells stay inline strings: a name `=1+2` is shown, never
run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from helpers.kit.xlsx import write_xlsx

LANGS = ("vi", "en")

# the most customers written to one person's list: a file Excel on an office laptop opens quickly
# (as exports/segments.xlsx; figures: benchmarks/results.md); above it, the CSV only
PERSON_MAX_ROWS = 500_000

# column -> (Vietnamese, English) header
HEADERS: dict[str, tuple[str, str]] = {
    "customer_id": ("Mã khách hàng", "Customer ID"),
    "name": ("Họ tên", "Name"),
    "phone": ("Điện thoại", "Phone"),
    "email": ("Email", "E-mail"),
    "consent_sms": ("Đồng ý nhận SMS", "SMS consent"),
    "consent_zalo": ("Đồng ý nhận Zalo", "Zalo consent"),
    "consent_email": ("Đồng ý nhận email", "E-mail consent"),
    "consent_sms_date": ("Ngày đồng ý SMS", "SMS consent date"),
    "consent_zalo_date": ("Ngày đồng ý Zalo", "Zalo consent date"),
    "consent_email_date": ("Ngày đồng ý email", "E-mail consent date"),
    "consent_source": ("Nơi ghi nhận đồng ý", "Consent given at"),
    "segment": ("Nhóm khách", "Segment"),
    "suggested_action": ("Gợi ý chăm sóc", "Suggested action"),
    "move": ("Chuyển nhóm", "Moved"),
    "from_segment": ("Nhóm trước", "Segment before"),
    "to_segment": ("Nhóm hiện tại", "Segment now"),
    "recency_days_from": ("Số ngày từ lần mua cuối (trước)", "Days since last purchase (before)"),
    "recency_days_to": ("Số ngày từ lần mua cuối", "Days since last purchase"),
    "frequency_from": ("Số lần mua (trước)", "Purchases (before)"),
    "frequency_to": ("Số lần mua", "Purchases"),
    "monetary_from": ("Tổng chi tiêu (trước)", "Total spend (before)"),
    "monetary_to": ("Tổng chi tiêu (hiện tại)", "Total spend (now)"),
    "window_key": ("Mua lần cuối cách đây", "Last bought"),
    "buyer_type": ("Loại khách", "Buyer type"),
    "days_since_purchase": ("Số ngày từ lần mua cuối", "Days since last purchase"),
    "last_purchase_date": ("Ngày mua cuối", "Last purchase"),
    "purchases": ("Số lần mua", "Purchases"),
    "monetary": ("Tổng chi tiêu", "Total spend"),
    "birthday": ("Ngày sinh", "Birthday"),
    "tier": ("Hạng", "Tier"),
    "spend": ("Chi tiêu trong kỳ", "Spend in the period"),
    "points": ("Điểm", "Points"),
    "next_tier": ("Hạng kế tiếp", "Next tier"),
    "gap_to_next": ("Còn thiếu để lên hạng", "Spend needed for the next tier"),
    "previous_tier": ("Hạng tháng trước", "Tier last month end"),
    "tier_change": ("Thay đổi hạng", "Tier change"),
    # the tier at the next re-ranking if nothing changes (tier_lists.sql)
    "tier_at_reranking": ("Hạng khi xét lại", "Tier at re-ranking"),
    "p_alive": ("Khả năng còn mua", "Chance still active"),
    "expected_revenue": ("Doanh thu dự kiến", "Expected revenue"),
    # value/slipping.csv (pages/value/slipping.py)
    "p_alive_before": ("Khả năng còn mua (trước)", "Chance still active (before)"),
    "revenue_at_stake": ("Doanh thu dự kiến mất đi", "Expected revenue at stake"),
    "reason": ("Lý do", "Why"),
    "rhythm_days": ("Nhịp mua (ngày)", "Rhythm (days)"),
    "expected_next_date": ("Ngày dự kiến mua lại", "Expected next purchase"),
}

# keys a list holds -> (Vietnamese, English) words
VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "tier_change": {"up": ("Lên hạng", "Up"), "down": ("Xuống hạng", "Down"),
                    "new": ("Mới", "New"), "same": ("Giữ hạng", "Same")},
    "buyer_type": {"one_time": ("Mới mua lần đầu", "First-time buyer"),
                   "repeat": ("Khách mua lại", "Repeat buyer")},
}
YES_NO = {"vi": ("Có", "Không"), "en": ("Yes", "No")}
DAYS = {"vi": "ngày", "en": "days"}

CONSENTS = ["consent_sms", "consent_zalo", "consent_email"]
SEGMENT_COLUMNS = ["segment", "from_segment", "to_segment"]
TIER_COLUMNS = ["tier", "next_tier", "previous_tier", "tier_at_reranking"]
# shown as money (#,##0 ₫) whatever their type (a DOUBLE from a model too), and as percent
MONEY = ["monetary", "monetary_from", "monetary_to", "spend", "gap_to_next", "expected_revenue",
         "revenue_at_stake"]
PERCENT = ["p_alive", "p_alive_before"]
# counts that reach thousands, shown with thousands marks (1.392 điểm)
THOUSANDS = ["points"]
# the consent evidence (contract.CONSENT_EVIDENCE_COLUMNS): shown only where the list holds one
EVIDENCE = ["consent_sms_date", "consent_zalo_date", "consent_email_date", "consent_source"]


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang = {lang!r}: the lists are written in vi or en")
    return lang


def header(column: str, lang: str) -> str:
    vi, en = HEADERS.get(column, (column, column))
    return vi if lang == "vi" else en


def segment_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Segment key -> label as the run registered its scheme (scheme_segments: the scheme
    file's labels in the run's language); none when no scheme is registered."""
    try:
        return dict(con.execute("select segment, segment_label from scheme_segments").fetchall())
    except duckdb.Error:
        return {}


def tier_labels(con: duckdb.DuckDBPyConnection, lang: str) -> dict[str, str]:
    """Tier key -> name in `lang` as the loyalty file gives it (loyalty_tiers); none when no
    tiers are registered."""
    column = "name_vi" if check_lang(lang) == "vi" else "name_en"
    try:
        return dict(con.execute(f"select tier, {column} from loyalty_tiers").fetchall())
    except duckdb.Error:
        return {}


@dataclass(frozen=True)
class PersonList:
    """How a list is shown to a person: its columns in order (`move` for from → to segment;
    a consent evidence column only where the list holds one), the language, the labels of
    segments and tiers (keys without a label are shown as they are), the sheet's name per list
    key and the row order (as kit.xlsx accepts it, over columns shown as they are: the key,
    money, a number)."""

    columns: list[str]
    lang: str
    segments: dict[str, str] = field(default_factory=dict)
    tiers: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, str] = field(default_factory=dict)
    order_by: str = "customer_id"

    def __post_init__(self):
        check_lang(self.lang)


def _labelled(column: str, keys_param: str, labels_param: str) -> str:
    return f"coalesce(list_extract(${labels_param}, list_position(${keys_param}, {column})), {column})"


def person_select(spec: PersonList, source: str, where: str = "true",
                  have: set[str] | None = None) -> tuple[str, dict, dict[str, str], dict[str, str]]:
    """The query a person's sheet is written from, its bound values (prefixed `p_`, beside the
    caller's own in `where`), the shown headers and the columns' formats. `source` and `where`
    come from the calling code; every label and word is bound, never formatted in. `have`, when
    given, is the source's columns: one a list lacks is left out."""
    lang = spec.lang
    yes, no = YES_NO[lang]
    params: dict = {"p_yes": yes, "p_no": no}
    parts = []
    for name, labels in (("seg", spec.segments), ("tier", spec.tiers)):
        if labels:
            params[f"p_{name}_keys"], params[f"p_{name}_labels"] = (list(labels),
                                                                     list(labels.values()))
    for column, words in VALUE_LABELS.items():
        params[f"p_{column}_keys"] = list(words)
        params[f"p_{column}_labels"] = [vi if lang == "vi" else en for vi, en in words.values()]
    shown = []
    for column in spec.columns:
        needs = ["from_segment", "to_segment"] if column == "move" else [column]
        if have is not None and not set(needs) <= have:
            continue
        if column in CONSENTS:
            expr = f"case when {column} then $p_yes when not {column} then $p_no end"
        elif column == "move":
            expr = " || ' → ' || ".join(
                _labelled(c, "p_seg_keys", "p_seg_labels") if spec.segments else c
                for c in ("from_segment", "to_segment"))
        elif column in SEGMENT_COLUMNS and spec.segments:
            expr = _labelled(column, "p_seg_keys", "p_seg_labels")
        elif column in TIER_COLUMNS and spec.tiers:
            expr = _labelled(column, "p_tier_keys", "p_tier_labels")
        elif column in VALUE_LABELS:
            expr = _labelled(column, f"p_{column}_keys", f"p_{column}_labels")
        elif column == "window_key":
            # 1-7d -> 1–7 ngày
            params["p_days"] = DAYS[lang]
            expr = ("replace(regexp_replace(window_key, 'd$', ''), '-', '–') || ' ' || $p_days")
        else:
            expr = column
        parts.append(expr if expr == column else f"{expr} as {column}")
        shown.append(column)
    query = f"select {', '.join(parts)} from {source} where {where}"
    # only the values the query uses (DuckDB refuses one more)
    params = {k: v for k, v in params.items() if re.search(rf"\${k}\b", query)}
    formats = {c: "money" for c in MONEY if c in shown}
    formats |= {c: "percent" for c in PERCENT if c in shown}
    formats |= {c: "integer" for c in THOUSANDS if c in shown}
    return query, params, {c: header(c, lang) for c in shown}, formats


def held_evidence(con: duckdb.DuckDBPyConnection, source: str, where: str,
                  params: dict | None = None, have: set[str] | None = None) -> list[str]:
    """The consent evidence columns that hold at least one value in a list (an empty column
    would only widen the sheet); `have`: the source's columns, when known."""
    have = have if have is not None else set(con.sql(f"select * from {source} limit 0").columns)
    names = [c for c in EVIDENCE if c in have]
    if not names:
        return []
    row = con.execute(f"select {', '.join(f'count({c})' for c in names)} from {source} "
                      f"where {where}", params or {}).fetchall()[0]
    return [c for c, n in zip(names, row) if n]


def write_person_list(con: duckdb.DuckDBPyConnection, path: Path, spec: PersonList, *,
                      source: str, lists: dict[str, tuple[str, dict]], as_of: date,
                      rows: int | None = None, cut: dict[str, int] | None = None
                      ) -> tuple[Path | None, list[str]]:
    """<path> (an .xlsx): one sheet per list (name -> (where clause over `source`, its bound
    values)), shown as `spec` says; returns it (None when the lists' `rows` are more than
    PERSON_MAX_ROWS: the CSV is the list then) and the lists too long for an Excel sheet.
    `cut` is filled as kit.xlsx.write_xlsx fills it. `source` and the where clauses come from
    the calling code."""
    if rows is not None and rows > PERSON_MAX_ROWS:
        return None, []
    have = set(con.sql(f"select * from {source} limit 0").columns)
    sheets, shown_headers, formats = {}, {}, {}
    for name, (where, values) in lists.items():
        evidence = held_evidence(con, source, where, values, have)
        columns = [c for c in spec.columns if c not in EVIDENCE or c in evidence]
        sheet_spec = PersonList(columns=columns, lang=spec.lang, segments=spec.segments,
                                tiers=spec.tiers, sheets=spec.sheets, order_by=spec.order_by)
        query, params, heads, fmts = person_select(sheet_spec, source, where, have)
        sheets[name] = (query, params | dict(values))
        shown_headers |= heads
        formats |= fmts
    return write_xlsx(con, sheets, path, as_of=as_of, order_by=spec.order_by,
                      sheet_labels=spec.sheets, headers=shown_headers, formats=formats,
                      day_first=spec.lang == "vi", cut=cut)
