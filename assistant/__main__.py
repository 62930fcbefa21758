"""``python -m assistant`` is the ``assistant`` command."""

import sys

from assistant.app.cli import main

sys.exit(main())
