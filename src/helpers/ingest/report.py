"""What one load did (LoadReport): counts per file, what was detected, for the notebook, the
console and the run's manifest."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class LoadReport:
    """What one load did, for the notebook, the console and the run's manifest."""

    kind: str
    path: str
    sha256: str
    mapping: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    duplicates: int
    duplicates_dropped: int
    reasons: dict[str, int] = field(default_factory=dict)
    duplicate_examples: list[dict] = field(default_factory=list)
    quarantine_path: str | None = None
    from_cache: bool = False
    seconds: float = 0.0
    files: list[dict] = field(default_factory=list)
    detected: list[str] = field(default_factory=list)
    guest_rows: int = 0
    guest_revenue: str = "0"
    quarantine_paths: list[str] = field(default_factory=list)
    returns: dict | None = None
    first_order_date: str | None = None
    last_order_date: str | None = None
    # what was decided about the export, for pages in any language (detected is the English text)
    facts: dict = field(default_factory=dict)
    # the staged Parquet this load published (never stored in the cache's report.json)
    staged: str | None = None
    # what this load read (ingest.file_cache): files in the export, files read and parsed now
    # (the others were read before, in an earlier month)
    work: dict = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        total = self.rows_read == self.rows_loaded + self.rows_quarantined + self.duplicates_dropped
        per_file = all(f["rows_read"] == f["rows_loaded"] + f["rows_quarantined"]
                       + f["duplicates_dropped"] for f in self.files)
        returns = self.returns is None or LoadReport(**self.returns).reconciles
        # a CSV's every line: its header, a row, or inside a row's quoted value
        lines = all(f["lines"]["lines"] == f["lines"]["header_lines"] + f["rows_read"]
                    + f["lines"]["lines_in_quoted_values"] for f in self.files if f.get("lines"))
        return total and per_file and returns and lines

    def as_dict(self) -> dict:
        """For the run's manifest: what was read and decided (not where this machine cached it)."""
        out = asdict(self) | {"reconciles": self.reconciles}
        out.pop("staged")
        return out

    def summary(self) -> str:
        """A few sentences a person can read."""
        where = Path(self.path).name if len(self.files) <= 1 else (
            f"{len(self.files)} files ({self.path})")
        text = (f"{self.kind}: {self.rows_read:,} rows read from {where}, "
                f"{self.rows_loaded:,} loaded, {self.rows_quarantined:,} set aside")
        if self.reasons:
            text += " (" + ", ".join(f"{k}: {v:,}" for k, v in sorted(self.reasons.items())) + ")"
        counted = [f["lines"] for f in self.files if f.get("lines")]
        if counted:
            text += (f"; {sum(c['lines'] for c in counted):,} lines in the CSV file"
                     f"{'s' if len(counted) > 1 else ''} = "
                     f"{sum(c['header_lines'] for c in counted):,} header + "
                     f"{sum(c['records'] for c in counted):,} rows (blank ones included) + "
                     f"{sum(c['lines_in_quoted_values'] for c in counted):,} inside quoted values")
        if self.duplicates:
            verb = "dropped" if self.duplicates_dropped else "kept (set drop_duplicates to drop)"
            text += (f", {self.duplicates:,} exact duplicate row"
                     f"{'' if self.duplicates == 1 else 's'} {verb}")
        if self.guest_rows:
            text += (f". Guest sales (no customer key, or a walk-in code such as Khách lẻ; not "
                     f"customers, kept out of RFM): "
                     f"{rows_text(self.guest_rows)}, {exact_amount(self.guest_revenue)} in sales")
        if len(self.files) > 1:
            text += "\n" + "\n".join(
                f"  {f['file']}: {f['rows_read']:,} read = {f['rows_loaded']:,} loaded + "
                f"{f['rows_quarantined']:,} set aside + {f['duplicates_dropped']:,} dropped"
                for f in self.files)
        if self.returns:
            text += "\n" + LoadReport(**self.returns).summary()
        return text + ("" if self.reconciles else "  !! COUNTS DO NOT RECONCILE")

    def check_text(self) -> str:
        """What was detected in the export, then what was loaded (make check-export)."""
        lines = [f"mapping: {self.mapping}"]
        lines += [f"- {d}" for d in self.detected]
        if self.returns:
            lines += [f"- returns: {d}" for d in self.returns.get("detected", [])]
        lines += ["", self.summary()]
        if self.quarantine_paths:
            lines += ["rows set aside, with their reason, file and line: "
                      + ", ".join(self.quarantine_paths)]
        return "\n".join(lines)


def exact_amount(value) -> str:
    """An exact amount with thousands separators and no padding zeros: 150,000 or 19.99."""
    from decimal import Decimal, InvalidOperation

    try:
        return f"{Decimal(str(value)).normalize():,f}"
    except (InvalidOperation, ValueError):
        return str(value)


def rows_text(n: int) -> str:
    return f"{n:,} row" + ("" if n == 1 else "s")
