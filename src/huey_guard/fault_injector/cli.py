"""The fault injector command line: python -m huey_guard.fault_injector, huey-guard inject.

Exit codes: 0 done, 1 refused (the app's own config does not allow fault injection), 2 usage or
connection error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from huey_guard.fault_injector.faults import FAULTS, GROUPS, canonical
from huey_guard.fault_injector.hook import allowed
from huey_guard.fault_injector.rules import (
    FaultRule,
    add_rule,
    clear_rules,
    load_rules,
    parse_duration,
    parse_rate,
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_argument_group("which queue")
    where.add_argument(
        "--app",
        default=os.environ.get("HUEY_GUARD_APP"),
        help="the Huey instance, as module:attr or module.attr (default: $HUEY_GUARD_APP)",
    )
    where.add_argument(
        "--redis-url",
        default=os.environ.get("HUEY_GUARD_REDIS_URL"),
        help="connect directly to this Redis, with --name (default: $HUEY_GUARD_REDIS_URL)",
    )
    where.add_argument(
        "--name",
        default=os.environ.get("HUEY_GUARD_QUEUE"),
        help="the huey queue name, with --redis-url (default: $HUEY_GUARD_QUEUE)",
    )
    what = parser.add_argument_group("what to inject")
    what.add_argument("--inject", metavar="FAULT", help="a fault type or NETWORK/RESOURCE")
    what.add_argument("--rate", default="100%", help="share of attempts hit, e.g. 30%% (100%%)")
    what.add_argument("--latency", help="also delay hit attempts, e.g. 500ms or 2s")
    what.add_argument("--task", default="*", help="glob over task names (default: all)")
    what.add_argument("--duration", help="switch this rule off after e.g. 10m")
    what.add_argument("--seed", type=int, help="repeatable hits: seeded per task id and attempt")
    actions = parser.add_argument_group("other actions")
    actions.add_argument("--list", action="store_true", help="show fault types and active rules")
    actions.add_argument("--clear", action="store_true", help="remove every rule")
    actions.add_argument("--force", action="store_true", help="arm even if --app disallows it")
    actions.add_argument("--json", action="store_true", help="print machine-readable output")


def run(args: argparse.Namespace, out: Any = None) -> int:
    out = out or sys.stdout
    try:
        huey = _huey(args)
        if args.clear:
            count = clear_rules(huey)
            _say(out, args, {"cleared": count}, f"cleared {count} fault rule(s)")
            return 0
        if args.inject or args.latency:
            return _arm(huey, args, out)
        if args.list or huey is not None:
            return _list(huey, args, out)
    except (ValueError, ImportError, AttributeError, OSError) as exc:
        print(f"huey-guard inject: error: {exc}", file=sys.stderr)
        return 2
    print("huey-guard inject: nothing to do (use --inject, --latency, --list or --clear)")
    return 2


def _arm(huey: Any, args: argparse.Namespace, out: Any) -> int:
    if huey is None:
        raise ValueError(
            "say which queue: --app module:attr (or $HUEY_GUARD_APP), or --redis-url with --name"
        )
    runtime = getattr(huey, "guard", None)
    if runtime is not None and not allowed(runtime.config) and not args.force:
        print(
            "huey-guard inject: refused: this app's config does not set allow_fault_injection, "
            "so its consumers would ignore the rule (use --force to store it anyway)",
            file=sys.stderr,
        )
        return 1
    now = time.time()
    rule = FaultRule(
        fault=canonical(args.inject) if args.inject else None,
        rate=parse_rate(args.rate),
        task=args.task,
        latency=parse_duration(args.latency) if args.latency else 0.0,
        seed=args.seed,
        expires=now + parse_duration(args.duration) if args.duration else None,
    )
    rules = add_rule(huey, rule, now)
    rule = rules[-1]  # as stored (with its creation time)
    text = f"armed: {_describe(rule, now)}"
    if runtime is None:
        text += "\n(only consumers whose config sets allow_fault_injection apply it)"
    _say(out, args, {"armed": rule.to_dict(), "rules": len(rules)}, text)
    return 0


def _list(huey: Any, args: argparse.Namespace, out: Any) -> int:
    now = time.time()
    rules = load_rules(huey) if huey is not None else []
    data = {
        "faults": {name: fault.category for name, fault in FAULTS.items()},
        "groups": {name: list(group) for name, group in GROUPS.items()},
        "rules": [{**r.to_dict(), "active": r.active(now)} for r in rules],
    }
    lines = ["fault types:"]
    lines += [f"  {n:<22} {f.category:<12} {f.description}" for n, f in FAULTS.items()]
    lines += [f"  {n:<22} {'(group)':<12} one of {', '.join(g)}" for n, g in GROUPS.items()]
    if huey is not None:
        lines.append("active rules:" if rules else "no fault rules stored")
        lines += [f"  {_describe(r, now)}" for r in rules]
    _say(out, args, data, "\n".join(lines))
    return 0


def _describe(rule: FaultRule, now: float) -> str:
    parts = [rule.fault or "latency-only", f"rate {rule.rate:.0%}", f"tasks {rule.task!r}"]
    if rule.latency:
        parts.append(f"latency {rule.latency:g}s")
    if rule.seed is not None:
        parts.append(f"seed {rule.seed}")
    if rule.expires is not None:
        left = rule.expires - now
        parts.append(f"{left:.0f}s left" if left > 0 else "expired")
    return ", ".join(parts)


def _say(out: Any, args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, default=str) if args.json else text, file=out)


def _huey(args: argparse.Namespace) -> Any:
    if args.app:
        return load_app(args.app)
    if args.redis_url or args.name:
        if not (args.redis_url and args.name):
            raise ValueError("--redis-url and --name go together")
        from huey import RedisHuey

        return RedisHuey(args.name, url=args.redis_url)
    return None


def load_app(spec: str) -> Any:
    """``module:attr`` or ``module.attr`` (huey_consumer's form) → the Huey instance."""
    module_name, sep, attr = spec.partition(":")
    if not sep:
        module_name, _, attr = spec.rpartition(".")
    if not module_name or not attr:
        raise ValueError(f"--app {spec!r}: use module:attr, e.g. myapp.tasks:huey")
    if "" not in sys.path and "." not in sys.path:
        sys.path.insert(0, "")  # like huey_consumer: the current directory is importable
    instance = importlib.import_module(module_name)
    for part in attr.split("."):
        instance = getattr(instance, part)
    return instance


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m huey_guard.fault_injector",
        description="Inject faults into guarded huey consumers (allow_fault_injection only).",
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))
