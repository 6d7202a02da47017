"""``huey-nullscan``: the analyzer's command line (formats and configuration live beside it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from huey_guard._version import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huey-nullscan",
        description="Find code paths where a possibly-None value is dereferenced in huey tasks.",
    )
    parser.add_argument("--version", action="version", version=f"huey-nullscan {__version__}")
    parser.add_argument("paths", nargs="*", default=["."], help="files or directories to scan")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print("huey-nullscan: the analysis engine is not yet implemented", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
