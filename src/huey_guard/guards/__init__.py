"""Guards: turn analyzer annotations into argument validators and safe_call wrappers."""
