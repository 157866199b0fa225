"""python -m autograder -> cli.main"""

import sys

from autograder.cli import main

sys.exit(main())
