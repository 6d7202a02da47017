"""Inject faults into guarded consumers (huey-guard inject --inject NETWORK --rate 0.3)."""

from __future__ import annotations

import argparse

from huey_guard.fault_injector import cli


def configure(parser: argparse.ArgumentParser) -> None:
    cli.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return cli.run(args)
