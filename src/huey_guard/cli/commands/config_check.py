"""Validate a huey-guard configuration: huey-guard config check huey_config.

Exit codes: 0 valid, 1 invalid (every problem printed with its full key path and a suggestion),
2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys

from huey_guard.config import ConfigError, load_config


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="config_action", metavar="ACTION")
    check = actions.add_parser("check", help="validate a huey_config module or file")
    check.add_argument("source", help="module name (huey_config) or path (conf/huey_config.py)")


def run(args: argparse.Namespace) -> int:
    if getattr(args, "config_action", None) != "check":
        print("usage: huey-guard config check SOURCE", file=sys.stderr)
        return 2
    sys.path.insert(0, os.getcwd())  # a bare module name resolves from here, like `python -m`
    try:
        config = load_config(args.source)
    except ConfigError as err:
        print(str(err), file=sys.stderr)
        return 1
    summary = (
        f"mode={config.mode} enabled={config.enabled} "
        f"performance_threshold={config.performance_threshold} time_scale={config.time_scale}"
    )
    print(f"{config.source}: valid ({summary})")
    return 0
