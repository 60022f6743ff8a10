"""Print the fingerprint of everything the built site is made from (used by scripts/build.sh).

When it equals the one saved after the last successful build and the site is there, nothing
changed, and build.sh stops at once instead of asking the book and the runner to find that out
(about 10 s). The inputs are ``analyses.data.fingerprint.SITE_INPUTS``.
"""

from __future__ import annotations

import sys

from analyses.data.fingerprint import SITE_INPUTS, digest, inputs

if __name__ == "__main__":
    sys.stdout.write(digest(inputs(SITE_INPUTS)) + "\n")
