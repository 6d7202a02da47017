"""Serve or print huey-guard metrics: huey-guard metrics --port 9108 [--dir METRICS_DIR]."""

from __future__ import annotations

import argparse
import os
import sys
import time

from huey_guard.observability.exposition import (
    DEFAULT_HOST,
    MULTIPROC_ENV,
    render,
    start_metrics_server,
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=9108, help="port to listen on (9108)")
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (127.0.0.1)")
    parser.add_argument(
        "--dir",
        default=os.environ.get(MULTIPROC_ENV),
        help=f"multiprocess metrics directory of the consumer (default: ${MULTIPROC_ENV})",
    )
    parser.add_argument("--once", action="store_true", help="print the page once and exit")


def run(args: argparse.Namespace) -> int:
    if args.dir and not os.path.isdir(args.dir):
        print(f"huey-guard metrics: error: no directory {args.dir}", file=sys.stderr)
        return 2
    if args.once:
        sys.stdout.write(render(args.dir))
        return 0
    if not args.dir:
        print(
            "huey-guard metrics: note: without --dir this serves only this process's metrics; "
            "point --dir at the consumer's multiprocess_dir",
            file=sys.stderr,
        )
    try:
        server = start_metrics_server(args.port, args.host, args.dir)
    except OSError as exc:
        print(f"huey-guard metrics: error: cannot listen on {args.host}:{args.port}: {exc}")
        return 2
    print(f"serving {server.url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.close()
    return 0
