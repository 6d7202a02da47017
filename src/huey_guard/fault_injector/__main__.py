"""``python -m huey_guard.fault_injector``: the fault injector's command line."""

import sys

from huey_guard.fault_injector.cli import main

sys.exit(main())
