"""huey-guard: failure-proofing for huey task queues."""

from huey_guard._version import __version__

__all__ = ["__version__"]
