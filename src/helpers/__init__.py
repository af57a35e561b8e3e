"""Customer tiering workbook: the tested library the notebooks call."""

__version__ = "0.1.0"
