"""python -m helpers.sample_data [--as-of …]

A thin entry kept so that the commands written in README and in shops' schedulers keep working;
the code is in helpers.ingest.sample_data.
"""

import sys

from helpers.ingest.sample_data import main

if __name__ == "__main__":
    sys.exit(main())
