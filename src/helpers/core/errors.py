"""The errors a user can act on: each message says what is wrong and which setting or file to
change. Raised from every layer, caught by the runner and the command lines."""

from __future__ import annotations


class IngestError(ValueError):
    """A shop export that cannot be read as it is; the message says what to change."""


class ParamError(ValueError):
    """A parameter value that cannot be used; the message names it and says what is allowed."""


class InputChanged(IngestError):
    """An input file is not the version the month started with (it changed during the run)."""
