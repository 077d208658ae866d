"""Test configuration. Integration and end-to-end tests use the real PostgreSQL and Kafka that
``infra/local.sh up`` provisions (scripts/test runs it first)."""

from __future__ import annotations

import os
import random
import socket

import pytest

from tests.support import KAFKA_BOOTSTRAP, PG_PORT


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def infrastructure() -> None:
    kafka_port = int(KAFKA_BOOTSTRAP.rsplit(":", 1)[1])
    missing = [n for n, p in (("PostgreSQL", PG_PORT), ("Kafka", kafka_port)) if not _port_open(p)]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not running: start them with `infra/local.sh up` "
            "(scripts/test does this for you)"
        )


# LUUTRU_TEST_ORDER=reverse, or shuffle (shuffle:<seed> to repeat one): runs the tests in
# another order than the files', to show that no test relies on what an earlier one left.
TEST_ORDER = os.environ.get("LUUTRU_TEST_ORDER", "")
if TEST_ORDER == "shuffle":
    TEST_ORDER = f"shuffle:{random.randrange(10**6)}"  # said at the end, to run it again
    # pytest-xdist's workers inherit this environment and must collect the same order.
    os.environ["LUUTRU_TEST_ORDER"] = TEST_ORDER


def pytest_terminal_summary(terminalreporter) -> None:
    if TEST_ORDER:  # at the end, where -q shows it too
        terminalreporter.write_line(f"test order: LUUTRU_TEST_ORDER={TEST_ORDER}")


def long_files_first(items: list[pytest.Item]) -> None:
    """The files marked `runs_long(seconds)` first, longest first, each file's tests kept
    together and in order; the others after them in their own order. scripts/test hands
    whole files to its two pytest-xdist workers in collection order (--dist loadfile
    --no-loadscope-reorder): a file of minutes handed out last keeps one worker busy while
    the other has nothing left to do; handed out first, the short files fill in around it
    (longest first is the classic schedule). xdist's own reordering puts the files with most
    tests first, which is what put the long ones with few tests last."""
    seconds: dict = {}
    for item in items:
        marker = item.get_closest_marker("runs_long")
        if marker:
            seconds[item.path] = marker.args[0]
    items.sort(key=lambda item: -seconds.get(item.path, 0))  # stable: same order otherwise


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    kind, _, seed = TEST_ORDER.partition(":")
    if not kind:
        long_files_first(items)
    elif kind == "reverse":
        items.reverse()
    elif kind == "shuffle":
        random.Random(seed).shuffle(items)
    elif kind:
        raise pytest.UsageError(
            f"LUUTRU_TEST_ORDER={TEST_ORDER}: reverse, shuffle or shuffle:<seed>"
        )


def pytest_runtest_setup(item: pytest.Item) -> None:
    workers = getattr(item.config, "workerinput", {}).get("workercount", 1)
    if workers > 1 and item.get_closest_marker("infra_disruptive"):
        pytest.fail(
            "this test stops the PostgreSQL or Kafka the other pytest-xdist workers use: run it"
            " alone (`-m infra_disruptive` without -n, as scripts/test's second pass does)"
        )
