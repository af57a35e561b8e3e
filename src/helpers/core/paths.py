"""Every folder the workbook reads or writes, resolved from the project root."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
DATA_RAW = PROJECT_ROOT / "data" / "raw"
DATA_PROCESSED = PROJECT_ROOT / "data" / "processed"
CACHE_DIR = DATA_PROCESSED / "cache"
QUARANTINE_DIR = DATA_PROCESSED / "quarantine"
SNAPSHOTS_DIR = DATA_PROCESSED / "snapshots"
EXPORTS_DIR = DATA_PROCESSED / "exports"
PARAMS_DIR = PROJECT_ROOT / "params"
SCHEMES_DIR = PARAMS_DIR / "schemes"
MAPPINGS_DIR = PARAMS_DIR / "mappings"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def resolve(path: str | Path | None) -> Path | None:
    """A path from params: absolute as given, relative to the project root otherwise."""
    if path is None or str(path) == "":
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p
