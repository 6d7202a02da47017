"""Command-line entry points: ``huey-nullscan`` and ``huey-guard``."""
