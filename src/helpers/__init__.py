"""Customer tiering workbook: the tested library the notebooks call."""

import sys

__version__ = "0.1.0"

# jsonschema (reached through plotly.io -> nbformat in every kernel, and through papermill in the
# runner) imports rfc3987_syntax when it is installed, and that module compiles a Lark grammar on
# import: 2.1 s of every process, about 14 s of a monthly run. Nothing here validates the "iri"
# format it serves, so the import is made to fail (jsonschema skips that one format checker).
# An analyst who has already imported it in this process keeps it.
sys.modules.setdefault("rfc3987_syntax", None)
