"""An example huey app with a few None bugs: the demo target of huey-nullscan and the guards."""
