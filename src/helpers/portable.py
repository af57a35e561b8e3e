"""python -m helpers.portable [--write]

A thin entry kept so that the commands written in README and in shops' schedulers keep working;
the code is in helpers.engine.portable.
"""

import sys

from helpers.engine.portable import main

if __name__ == "__main__":
    sys.exit(main())
