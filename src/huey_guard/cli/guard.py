"""``huey-guard``: runtime tools (fault injection, locks, metrics, signatures, config check).

Each subcommand lives in its own module under ``huey_guard.cli.commands`` and registers itself
through ``COMMANDS``; this module only builds the parser and dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from huey_guard._version import __version__

# name -> module under huey_guard.cli.commands exposing `configure(parser)` and `run(args) -> int`.
COMMANDS: dict[str, str] = {}
COMMANDS["inject"] = "inject"
COMMANDS["metrics"] = "metrics"
COMMANDS["signatures"] = "signatures"
COMMANDS["config"] = "config_check"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huey-guard", description="Runtime tools for huey-guard protected huey consumers."
    )
    parser.add_argument("--version", action="version", version=f"huey-guard {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name in sorted(COMMANDS.items()):
        module = importlib.import_module(f"huey_guard.cli.commands.{module_name}")
        sub = subparsers.add_parser(
            name, help=module.__doc__.splitlines()[0] if module.__doc__ else None
        )
        module.configure(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run = getattr(args, "_run", None)
    if run is None:
        parser.print_help()
        return 2
    return int(run(args))


if __name__ == "__main__":
    sys.exit(main())
