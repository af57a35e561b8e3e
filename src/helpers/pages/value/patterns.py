"""Per-customer figures computed once per distinct pattern (notebook 06, the back-test).

Every prediction of the value models depends on a customer only through a few numbers: P(alive)
and the expected purchases (and their gradients) through (x, t_x, T), the expected spend through
(x, mean spend). A batch of customers holds far fewer distinct patterns than customers (every
one-time buyer of one first-purchase day shares one), so each figure is computed on the distinct
patterns and handed back to each customer by its pattern's index: the same function on the same
numbers, so the same value to the last bit (tests/test_value_patterns.py), at a fraction of the
hypergeometric functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def distinct(*columns) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of `columns` (equal-length arrays, read as floats; NaN equals NaN) as
    one array per column, and for each row the index of its pattern among them."""
    arrays = [np.asarray(c, dtype=float) for c in columns]
    size = len(arrays[0]) if arrays else 0
    if not size:
        return arrays, np.zeros(0, dtype=np.intp)
    frame = pd.DataFrame({str(i): a for i, a in enumerate(arrays)})
    codes = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    first = np.empty(int(codes.max()) + 1, dtype=np.intp)
    first[codes] = np.arange(size, dtype=np.intp)  # a row of each pattern (any: they are equal)
    return [a[first] for a in arrays], codes.astype(np.intp, copy=False)
