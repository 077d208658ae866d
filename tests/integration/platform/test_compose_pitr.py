"""The compose backups restore to a point in time: a PostgreSQL of the test's own runs with the
WAL settings of docker-compose.yml (its very archive_command, the archive folders that
pg-archive-init makes), takes the base backup docs/deploy.md schedules, and is then restored
the way docs/deploy.md ("Restore to a point in time (compose)") says: base backup, WAL from
the archive up to a target time, promotion. What was committed before the target is back, what
came after is not.

The same PostgreSQL major as compose's image, from the machine's binaries (as infra/local.sh
runs it), on its own port (LUUTRU_E2E_PORT_BASE + 520) and in its own folder: never the shared
server.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support import E2E_PORT_BASE, ROOT

PORT = E2E_PORT_BASE + 520
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
# What docs/deploy.md writes into the restored data folder (with /archive as in compose).
RESTORE_COMMAND = "gunzip -c /archive/wal/%f.gz > %p"


def pg_bin() -> Path:
    image_major = COMPOSE["services"]["postgres"]["image"].split(":")[1].split("-")[0]
    path = Path(f"/usr/lib/postgresql/{image_major}/bin")
    assert (path / "initdb").exists(), f"PostgreSQL {image_major} binaries (infra/local.sh)"
    return path


def as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess:
    """PostgreSQL's programs refuse root: run them as the postgres OS user when root."""
    if os.getuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kw)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result


def compose_settings() -> dict[str, str]:
    command = COMPOSE["services"]["postgres"]["command"]
    return dict(command[i + 1].split("=", 1) for i, a in enumerate(command) if a == "-c")


def documented_pruning() -> str:
    """The shell script docs/deploy.md runs in the postgres container to drop old WAL."""
    docs = (ROOT / "docs" / "deploy.md").read_text()
    [script] = re.findall(r"postgres sh -c '\n(.*?)'\n", docs, re.S)
    assert "pg_archivecleanup" in script
    return textwrap.dedent(script)


class Server:
    """One PostgreSQL data folder, started and stopped with pg_ctl, reached by its socket."""

    def __init__(self, data: Path, socket_dir: Path):
        self.data, self.socket_dir = data, socket_dir

    def start(self) -> None:
        as_postgres(
            [
                str(pg_bin() / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-t",
                "120",
                "start",
                "-l",
                str(self.data.parent / f"{self.data.name}.log"),
            ]
        )

    def stop(self) -> None:
        as_postgres([str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def sql(self, statement: str) -> str:
        return as_postgres(
            [
                str(pg_bin() / "psql"),
                "-X",
                "-qAt",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                str(self.socket_dir),
                "-p",
                str(PORT),
                "-U",
                "luutru",
                "-d",
                "postgres",
                "-c",
                statement,
            ]
        ).stdout.strip()


@pytest.fixture
def workdir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="luutru-pitr-"))
    if os.getuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    try:
        yield root
    finally:
        for data in root.glob("data*"):
            if (data / "postmaster.pid").exists():  # a failed test left it running
                with contextlib.suppress(AssertionError):
                    Server(data, root).stop()
        shutil.rmtree(root, ignore_errors=True)


def test_the_compose_archive_restores_to_a_point_in_time(workdir):
    archive = workdir / "archive"
    settings = compose_settings()
    # pg-archive-init: the folders compose's postgres writes into, its own.
    init = COMPOSE["services"]["pg-archive-init"]["command"]
    folders = [
        Path(a.replace("/archive", str(archive), 1)) for a in init if a.startswith("/archive")
    ]
    as_postgres(["mkdir", "-p", "-m", "0700", *map(str, folders)])
    data = workdir / "data"
    as_postgres([str(pg_bin() / "initdb"), "-D", str(data), "-U", "luutru", "--auth=trust"])
    conf = {
        "listen_addresses": "''",
        "port": str(PORT),
        "unix_socket_directories": f"'{workdir}'",
        **{
            k: f"'{v.replace('/archive/', f'{archive}/')}'"
            for k, v in settings.items()
            if k in {"wal_level", "archive_mode", "archive_timeout", "archive_command"}
        },
    }
    with (data / "postgresql.conf").open("a") as f:
        f.writelines(f"{k} = {v}\n" for k, v in conf.items())
    live = Server(data, workdir)
    live.start()
    live.sql("CREATE TABLE receipts (label text, at timestamptz DEFAULT clock_timestamp())")
    live.sql("INSERT INTO receipts (label) VALUES ('before the base backup')")
    first_segment = live.sql("SELECT pg_walfile_name(pg_switch_wal())")  # archived, then pruned

    # The nightly base backup, as docs/deploy.md's cron line takes it.
    base = archive / "base" / "2026-12-03"
    as_postgres(
        [
            str(pg_bin() / "pg_basebackup"),
            "-h",
            str(workdir),
            "-p",
            str(PORT),
            "-U",
            "luutru",
            "-D",
            str(base),
            "-Ft",
            "-z",
            "-X",
            "stream",
            "-c",
            "fast",
        ]
    )
    live.sql("INSERT INTO receipts (label) VALUES ('after the backup, before the target')")
    time.sleep(1.1)
    target = live.sql("SELECT clock_timestamp()")
    time.sleep(1.1)
    live.sql("INSERT INTO receipts (label) VALUES ('after the target')")
    segment = live.sql("SELECT pg_walfile_name(pg_switch_wal())")
    deadline = time.monotonic() + 60
    while not (archive / "wal" / f"{segment}.gz").exists():  # archived by compose's command
        assert time.monotonic() < deadline, sorted(p.name for p in (archive / "wal").iterdir())
        time.sleep(0.2)
    assert not list((archive / "wal").glob("*.part"))
    live.stop()  # the machine is lost; its archive survives

    # docs/deploy.md's pruning keeps what the oldest base backup needs and drops what it does not.
    assert (archive / "wal" / f"{first_segment}.gz").exists()
    as_postgres(["sh", "-c", documented_pruning().replace("/archive/", f"{archive}/")])
    assert not (archive / "wal" / f"{first_segment}.gz").exists()
    assert (archive / "wal" / f"{segment}.gz").exists()

    # The restore, step by step as docs/deploy.md writes it.
    restored = workdir / "data-restored"
    as_postgres(["mkdir", "-m", "0700", str(restored)])
    as_postgres(["tar", "-xzf", str(base / "base.tar.gz"), "-C", str(restored)])
    as_postgres(["tar", "-xzf", str(base / "pg_wal.tar.gz"), "-C", str(restored / "pg_wal")])
    as_postgres(["touch", str(restored / "recovery.signal")])
    recovery = {
        "restore_command": RESTORE_COMMAND.replace("/archive/", f"{archive}/"),
        "recovery_target_time": target,
        "recovery_target_action": "promote",
    }
    as_postgres(
        ["tee", "-a", str(restored / "postgresql.auto.conf")],
        input="".join(f"{k} = '{v}'\n" for k, v in recovery.items()),
    )
    server = Server(restored, workdir)
    server.start()
    try:
        deadline = time.monotonic() + 120
        while server.sql("SELECT pg_is_in_recovery()") == "t":
            assert time.monotonic() < deadline, "recovery did not reach its target"
            time.sleep(0.2)
        labels = server.sql("SELECT string_agg(label, '|' ORDER BY at) FROM receipts").split("|")
        assert labels == ["before the base backup", "after the backup, before the target"]
        # promoted: it takes writes again, on a new timeline that it archives too
        server.sql("INSERT INTO receipts (label) VALUES ('after the restore')")
        deadline = time.monotonic() + 60
        while not (archive / "wal" / "00000002.history.gz").exists():
            assert time.monotonic() < deadline, sorted(p.name for p in (archive / "wal").iterdir())
            time.sleep(0.2)
    finally:
        server.stop()
