"""List the active exception signatures (built-in and custom) with categories and strategies.

``huey-guard signatures [--config huey_config] [--import myapp.tasks] [--category NETWORK]
[--format text|json]``: ``--import`` runs modules that register signatures with
``add_exception_signature`` first, ``--config`` adds the config's signatures and strategy choices.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from typing import Any

from huey_guard.config import ConfigError, load_config
from huey_guard.exception_handler import ExceptionHandler, exception_handler, with_config
from huey_guard.signatures import CATEGORIES, Signature


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", help="a huey_config module name or file")
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE first (it may register custom signatures); repeatable",
    )
    parser.add_argument("--category", choices=CATEGORIES, help="only this category")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def describe(signature: Signature, handler: ExceptionHandler) -> dict[str, Any]:
    return {
        "name": signature.name,
        "category": signature.category,
        "strategy": signature.strategy or handler.category_strategies[signature.category],
        "source": "built-in" if signature.builtin else "custom",
        "types": list(signature.type_names),
        "errnos": sorted(signature.errnos),
        "pattern": signature.pattern.pattern if signature.pattern is not None else None,
        "predicate": "none_dereference" if signature.predicate is not None else None,
    }


def run(args: argparse.Namespace) -> int:
    sys.path.insert(0, os.getcwd())  # module names resolve like `python -m` would
    try:
        for module in args.imports:
            importlib.import_module(module)
        handler = exception_handler
        if args.config:
            handler = with_config(exception_handler, load_config(args.config).exceptions)
    except ConfigError as err:
        print(f"huey-guard signatures: {err}", file=sys.stderr)
        return 2
    except ImportError as err:
        print(f"huey-guard signatures: error: {err}", file=sys.stderr)
        return 2
    rows = [describe(s, handler) for s in handler.signatures()]
    if args.category:
        rows = [r for r in rows if r["category"] == args.category]
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'#':>3}  {'NAME':<22} {'CATEGORY':<13} {'STRATEGY':<26} {'SOURCE':<8} MATCHES")
    for i, row in enumerate(rows, 1):
        print(
            f"{i:>3}  {row['name']:<22} {row['category']:<13} {row['strategy']:<26} "
            f"{row['source']:<8} {_matches(row)}"
        )
    print(f"{len(rows)} signatures; first match wins, in this order; otherwise UNKNOWN")
    return 0


def _matches(row: dict[str, Any]) -> str:
    parts = []
    if row["types"]:
        parts.append("|".join(t.removeprefix("builtins.") for t in row["types"]))
    if row["errnos"]:
        parts.append("errno in " + ",".join(map(str, row["errnos"])))
    if row["pattern"]:
        parts.append(f"/{row['pattern']}/")
    if row["predicate"]:
        parts.append("caused by None")
    return "; ".join(parts) or "any exception"
