"""python -m helpers.ingest …: see helpers.ingest.cli."""

from helpers.ingest.cli import main

main()
