"""The guards' flags on ``huey-nullscan``: ``--emit-guards FILE``, ``--fix`` and ``--diff``.

The CLI imports this module by name and calls ``add_arguments(parser)`` then, after each scan,
``after_scan(args, result, outcome)`` (a non-None return raises the exit status).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("guards")
    group.add_argument(
        "--emit-guards",
        type=Path,
        metavar="FILE",
        help="write the guard manifest (JSON) that huey_guard.install(manifest=FILE) applies",
    )
    group.add_argument(
        "--fix",
        action="store_true",
        help="write not_none_validator/safe_call decorators into the task sources",
    )
    group.add_argument(
        "--diff", action="store_true", help="print the changes --fix would make (writes nothing)"
    )


def after_scan(args: argparse.Namespace, result: Any, outcome: Any) -> int | None:
    if not (args.emit_guards or args.fix or args.diff):
        return None
    from huey_guard.guards.codemod import fix_files
    from huey_guard.guards.emit import emit_guards

    manifest = emit_guards(result, args.emit_guards)
    if args.emit_guards:
        print(
            f"huey-nullscan: wrote guards for {len(manifest.tasks)} task(s) to {args.emit_guards}",
            file=sys.stderr,
        )
    if args.fix or args.diff:
        try:
            changes = fix_files(manifest, write=args.fix and not args.diff)
        except (OSError, RuntimeError) as exc:
            print(f"huey-nullscan: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        changed = [c for c in changes if c.changed]
        if args.diff:
            sys.stdout.write("".join(c.diff() for c in changed))
        else:
            print(f"huey-nullscan: added guards to {len(changed)} file(s)", file=sys.stderr)
    return None
