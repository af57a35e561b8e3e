"""python -m helpers.spark_run …

A thin entry kept so that the commands written in README and in shops' schedulers keep working;
the code is in helpers.run.spark_run.
"""

import sys

from helpers.run.spark_run import main

if __name__ == "__main__":
    sys.exit(main())
