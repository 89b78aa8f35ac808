"""What the tests share and are not tests: paths, record builders, the local HTTP server
and news site, the CLI runner and the fault harness. Fixtures stay in `tests/conftest.py`."""
