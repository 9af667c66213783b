"""pytest glue for tests/integration: the shared fixtures (netns, veth, bridge, tandemd,
workdir) come from tandem.py; this file only exports them and records each test's outcome
so fixtures can print daemon logs when a test failed."""

import pytest

from tandem import *  # noqa: F401,F403  (fixtures and helpers)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
