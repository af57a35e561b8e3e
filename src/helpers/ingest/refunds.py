"""Refunds written on the order (issue 31): Shopee keeps a returned and refunded order
`Hoàn thành` and writes the refund in `Trạng thái Trả hàng/Hoàn tiền`. The mapping names the
column (orders.refund_status) and what its words mean (refund_status_map: refunded or
not_refunded, compared folded); the staging models net a refunded order (in full when every unit
came back, by refund_amount otherwise). A word the map does not know, or a partial refund
whose amount the export does not give, stops the load naming the column."""

from __future__ import annotations

from helpers.core.errors import IngestError
from helpers.ingest.guests import fold
from helpers.ingest.mappings import refund_pairs


def check_refund_words(con, picks: list[dict], mapping: dict, where: str, stager=None):
    """The refund column's header, after checking that refund_status_map knows every word in it
    (a word it does not know stops the load: never guessed as refunded or not)."""
    header = picks[0]["columns"].get("refund_status")
    if not header:
        return None
    query = ("select refund_status, count(*) from raw_orders where refund_status is not null "
             "group by all")
    rows = (stager.spark.sql(query).collect() if stager is not None
            else con.execute(query).fetchall())
    known = {fold(k) for k in refund_pairs(mapping)[0]}
    unknown = sorted(((r[0], r[1]) for r in rows if r[0].strip() and fold(r[0]) not in known),
                     key=lambda r: (-r[1], r[0]))
    if unknown:
        shown = ", ".join(f"'{w}' ({n:,} rows)" for w, n in unknown[:5])
        raise IngestError(
            f"'{header}' says {shown}, which refund_status_map in {where} does not know. Add "
            f"each word to refund_status_map as refunded (the money went back: the order is "
            f"netted) or not_refunded (asked, refused, cancelled: the order counts).")
    return header


def check_refunds(con, checked: str, header, where: str) -> list[str]:
    """Refunds written on orders: counted, and a stop where the export does not say how much."""
    if not header:
        return []
    refunded, unknown, examples = con.execute(f"""
        select count(distinct order_id) filter (where is_refunded),
               count(distinct order_id) filter (where is_refund_unknown),
               list(distinct order_id) filter (where is_refund_unknown)[1:3]
        from {checked} where reject_reason is null""").fetchall()[0]
    if unknown:
        raise IngestError(
            f"{unknown:,} orders are refunded by '{header}' (e.g. "
            f"{', '.join(repr(e) for e in examples)}), but only some of what was bought came "
            f"back and the export does not say how much was refunded. Map refund_amount to the "
            f"column that holds the refunded amount in {where}, or export the returns with their "
            f"amounts (returns_path).")
    return refunded_note(header, refunded)


def refunded_note(header, refunded: int) -> list[str]:
    """What the load summary says of the orders refunded by the refund column."""
    if not header or not refunded:
        return []
    return [f"{refunded:,} orders refunded by '{header}': netted off the order (in full when "
            f"every unit bought came back, or by the refunded amount)"]
