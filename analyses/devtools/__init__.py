"""Tools for developing and checking the guide (a browser for the site tests and benchmarks); not used by the guide itself."""
