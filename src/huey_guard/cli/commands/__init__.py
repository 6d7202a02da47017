"""One module per ``huey-guard`` subcommand."""
