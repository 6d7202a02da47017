"""The installed version of huey-guard."""

__version__ = "0.1.0"
