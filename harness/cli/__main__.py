"""`python -m sailbench.harness.cli`: the same as the `sailbench` console script."""
import sys

from sailbench.harness.cli import main

if __name__ == "__main__":
    sys.exit(main())
