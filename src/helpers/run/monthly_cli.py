"""python -m helpers.monthly: the command line of the monthly run. run/monthly.py does the work
and calls main() here with its run_month and the exit code of each of its errors.

The shop's own params are params/default.yaml and the first --params file (params/monthly.yaml
by default): they make the managers' month, reports/<as_of>/. Later --params files and --set
KEY=VALUE are what-ifs (run/whatif.py).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from helpers.core.errors import ParamError
from helpers.core.params import parse_date, previous_month_end
from helpers.core.paths import DATA_RAW, PARAMS_DIR, REPORTS_DIR, resolve
from helpers.ingest import sample_data
from helpers.run.kernels import Interrupted
from helpers.run.whatif import RUN_ONLY, parse_set

DEFAULT_FILE = "params/default.yaml"
SHOP_FILE = "params/monthly.yaml"

RUN_ONLY_TEXT = textwrap.fill(", ".join(sorted(RUN_ONLY)), 90, subsequent_indent="  ")
EPILOG = f"""\
The managers' month and what-ifs:
  The shop's own params are {DEFAULT_FILE} and the first --params file (by default
  {SHOP_FILE}, the file `make monthly` reads). They make the month the managers read,
  published as reports/<as_of>/ (reports/<as_of>-en/ in English).
  Values on top of them, from a later --params file or --set KEY=VALUE, make the run a WHAT-IF
  when they change what the month shows: it is published to reports/<as_of>-<name>/ (--name, or
  named after what differs: 2026-11-30-scheme-vn4) and never replaces the month. A value equal
  to the shop's own is no change; settings of how the run runs never make a what-if:
  {RUN_ONLY_TEXT}.
  --publish publishes a what-if as the month (it says so, and the manifest records what
  differed). The manifest's "what_if" is the what-if's name ("" for the month).

  python -m helpers.monthly --params {SHOP_FILE}      # the month
  python -m helpers.monthly --params {SHOP_FILE} --set scheme=vn4 \\
      --set next_campaign_target=old                  # a what-if, beside the month

Dates: --as-of after today (in the shop's time zone) is refused; a date before its month's last
day runs a partial month (the pages say so); an export whose latest order is more than 3 days
before --as-of is warned about (stale).
"""


def file_list(given: list[str] | None) -> tuple[list[Path], list[Path]]:
    """(the shop's own files, the what-if files) from --params as given."""
    files = [Path(p) for p in (given or [DEFAULT_FILE, SHOP_FILE])]
    default = PARAMS_DIR / "default.yaml"
    rest = [f for f in files if resolve(f).resolve() != default.resolve()]
    own = [Path(DEFAULT_FILE), *rest[:1]]
    return own, rest[1:]


def main(argv: list[str] | None, *, run: Callable, codes: dict[type, int], jobs: int) -> int:
    """Parse the command line, run the month with `run` (run_month); an error in `codes` is one
    sentence and its exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.monthly", description="Run the month's notebooks and publish "
        "reports.", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as-of", help="last day included, YYYY-MM-DD, not after today "
                                        "(default: the last day of the previous month)")
    parser.add_argument("--previous-month-end", action="store_true",
                        help="use the last day of the previous month (the default)")
    parser.add_argument("--params", action="append", default=None,
                        help=f"params YAML (repeatable; later files win). The first one (besides "
                             f"{DEFAULT_FILE}, always read first) is the shop's own; later "
                             f"ones are what-ifs. Default: {SHOP_FILE}")
    parser.add_argument("--set", "-p", action="append", default=None, metavar="KEY=VALUE",
                        dest="set_values", nargs="+",
                        help="a what-if value over the shop's own params (repeatable), e.g. "
                             "--set scheme=vn4; VALUE is read as YAML")
    parser.add_argument("--name", default=None,
                        help="publish this run as the what-if reports/<as_of>-<NAME>/ (letters, "
                             "digits, _ and -)")
    parser.add_argument("--publish", action="store_true",
                        help="publish a what-if as the managers' month reports/<as_of>/")
    parser.add_argument("--sample-if-empty", action="store_true",
                        help="generate the sample shop first when data/raw has no orders")
    parser.add_argument("--no-html", action="store_true")
    parser.add_argument("--jobs", type=int, default=None,
                        help=f"notebooks run at once, each after those it reads (default "
                             f"{jobs} here; 1 runs them one by one)")
    parser.add_argument("--reports-dir", default=str(REPORTS_DIR),
                        help="where months are published (default: reports/)")
    args = parser.parse_args(argv)
    try:
        as_of = parse_date(args.as_of, "--as-of") if args.as_of else previous_month_end()
        own, what_if_files = file_list(args.params)
        extra = parse_set(args.set_values)
    except ParamError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 2
    if args.sample_if_empty and not (DATA_RAW / "orders.csv").exists():
        print("data/raw has no orders.csv: generating the sample shop first.")
        sample_data.main([])
    try:
        run(as_of, params_files=own, what_if_files=what_if_files, extra=extra,
                  name=args.name, publish=args.publish, html=not args.no_html,
                  reports_dir=Path(args.reports_dir), jobs=args.jobs)
    except tuple(codes) as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return codes.get(type(exc), 1)
    except Interrupted as exc:
        print(f"\n{exc}: nothing was published.", file=sys.stderr)
        return 128 + exc.signum
    except OSError as exc:  # a read-only or full disk: one sentence, not a traceback
        print(f"\nerror: {exc.strerror or exc}: {exc.filename or ''}. Nothing was published.",
              file=sys.stderr)
        return 1
    return 0
