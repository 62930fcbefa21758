"""``python -m evals``: run the eval suite against the configured assistant and gate on thresholds."""

import sys

from evals.runner import main

sys.exit(main())
