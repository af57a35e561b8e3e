"""python -m helpers.monthly --as-of 2026-10-31 --params params/monthly.yaml

A thin entry kept so that the commands written in README and in shops' schedulers keep working;
the code is in helpers.run.monthly.
"""

import sys

from helpers.run.monthly import main

if __name__ == "__main__":
    sys.exit(main())
