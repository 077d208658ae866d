"""Helpers shared by the integration and end-to-end tests."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from luutru_common.auth import TOKEN_ALGORITHM
from luutru_common.kafka_access import KafkaAccess
from luutru_common.settings import owner_role, runtime_role

ROOT = Path(__file__).resolve().parents[1]
PG_PORT = int(os.environ.get("LUUTRU_PG_PORT", "55432"))
KAFKA_BOOTSTRAP = f"127.0.0.1:{os.environ.get('LUUTRU_KAFKA_PORT', '59092')}"
SERVICES = ("accounts", "ingest", "analytics")
ROLES_SQL = ROOT / "infra" / "db-roles.sql"
# Lets several test runs share one PostgreSQL and Kafka (e.g. LUUTRU_TEST_TAG=_a): each gets
# its own databases and end-to-end ports.
RUN_TAG = os.environ.get("LUUTRU_TEST_TAG", "")
RUN_PORT_BASE = int(os.environ.get("LUUTRU_E2E_PORT_BASE", "18000"))
# A pytest-xdist worker (gw0, gw1, …; scripts/test runs two) is a test run of its own on the
# same PostgreSQL and Kafka: its tag gets the worker's name, and its ports the worker's own
# thousand above the run's base (a run takes ports up to base + 522). Processes the tests
# start inherit PYTEST_XDIST_WORKER, so they derive the same tag and ports.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INDEX = int(XDIST_WORKER.removeprefix("gw") or 0)
TEST_TAG = f"{RUN_TAG}_{XDIST_WORKER}" if XDIST_WORKER else RUN_TAG
E2E_PORT_BASE = RUN_PORT_BASE + 1000 * _WORKER_INDEX
# The server logs of the PostgreSQL and Kafka under test (infra/local.sh writes them here).
LOCAL_DIR = Path(os.environ.get("LUUTRU_LOCAL_DIR", ROOT / ".local"))
PG_LOG = Path(os.environ.get("LUUTRU_PG_LOG", LOCAL_DIR / "pg" / "log" / "postgres.log"))
KAFKA_LOG_DIR = Path(os.environ.get("LUUTRU_KAFKA_LOG_DIR", LOCAL_DIR / "kafka" / "logs"))
# The Kafka super user of infra/local.sh: the tests' own clients, and the services under test,
# whose consumer groups and topics carry a test's prefix outside the services' ACLs
# (tests/integration/platform/test_kafka_acls.py tests the service principals themselves).
KAFKA_ADMIN = "luutru-admin"


def kafka_access(
    user: str = KAFKA_ADMIN, *, bootstrap: str = KAFKA_BOOTSTRAP, local_dir: Path = LOCAL_DIR
) -> KafkaAccess:
    """A SCRAM user of the broker infra/local.sh runs (password = name), over TLS with its CA.
    Every Kafka client of the tests and benches is built from one of these."""
    ca = local_dir / "kafka" / "tls" / "ca.pem"
    return KafkaAccess(bootstrap=bootstrap, username=user, password=user, ca_file=str(ca))


KAFKA = kafka_access()


def seed_kafka_jars(own_local_dir: Path) -> None:
    """For a test that runs infra/local.sh on a directory of its own: the Kafka jars of the
    infrastructure under test, if it has them, so its first `up` copies files instead of
    running Maven (the fingerprint file comes along: `up` fetches again if
    infra/kafka/pom.xml changed since)."""
    jars, own = LOCAL_DIR / "kafka" / "libs", own_local_dir / "kafka" / "libs"
    if jars.is_dir() and not own.exists():
        shutil.copytree(jars, own)


# accounts hashes new passwords at this argon2 cost in the tests (milliseconds instead of a
# quarter of a second of CPU; it refuses it outside the test environment). Only
# test_passwords_are_hashed_at_the_production_cost (tests/integration/accounts) keeps the
# production cost.
TEST_PASSWORD_HASHING = {"password_hash_memory_kib": 1024, "password_hash_time_cost": 1}
TEST_PASSWORD_HASHING_ENV = {
    f"LUUTRU_{key.upper()}": str(value) for key, value in TEST_PASSWORD_HASHING.items()
}


def kafka_settings(access: KafkaAccess = KAFKA) -> dict[str, str]:
    """Settings overrides of an in-process service that connects as `access`."""
    return {
        "kafka_bootstrap": access.bootstrap,
        "kafka_security_protocol": access.security_protocol,
        "kafka_username": access.username,
        "kafka_password": access.password,
        "kafka_ca_file": access.ca_file,
    }


def kafka_env(access: KafkaAccess = KAFKA) -> dict[str, str]:
    """The environment of a service process that connects as `access`."""
    return {f"LUUTRU_{key.upper()}": value for key, value in kafka_settings(access).items()}


def database_url(name: str, role: str = "luutru") -> str:
    """A test database as the admin role (member of every schema owner: the tests' own view
    of all the data), or as one of the service roles of infra/db-roles.sql."""
    return f"postgresql+asyncpg://{role}:{role}@127.0.0.1:{PG_PORT}/{name}"


def runtime_url(name: str, service: str) -> str:
    """What a service's API and workers connect as: its runtime role."""
    return database_url(name, runtime_role(service))


def service_database_env(name: str, service: str) -> dict[str, str]:
    """The environment of a service process: its runtime role, and its owner role to migrate."""
    return {
        "LUUTRU_DATABASE_URL": runtime_url(name, service),
        "LUUTRU_MIGRATE_DATABASE_URL": database_url(name, owner_role(service)),
    }


def _psql(user: str, database: str) -> list[str]:
    return [
        "psql",
        "-h",
        "127.0.0.1",
        "-p",
        str(PG_PORT),
        "-U",
        user,
        "-d",
        database,
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
    ]


def migrate_fresh(name: str) -> None:
    """Drop and create a database, give the service roles their rights on it (roles are
    cluster-wide: infra/db-roles.sql creates them once and is idempotent), then migrate every
    service into it with its own CLI, as its owner role."""
    create_database(name)
    for service in SERVICES:
        env = {**os.environ, **service_database_env(name, service)}
        subprocess.run([sys.executable, "-m", f"luutru_{service}", "migrate"], check=True, env=env)


def create_database(name: str, template: str | None = None) -> None:
    """Drop and create a database (empty, or a copy of `template`) with the service roles'
    rights on it (infra/db-roles.sql)."""
    psql = _psql("luutru", "postgres")
    # Dropped by the superuser: FORCE ends the sessions still on it, and one may belong to a
    # service role (a migration the test killed, whose backend has not noticed yet), which
    # the luutru role may not signal.
    subprocess.run(
        [*_psql("postgres", "postgres"), "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
        check=True,
    )
    copy = f' TEMPLATE "{template}"' if template else ""
    subprocess.run([*psql, "-c", f'CREATE DATABASE "{name}"{copy} OWNER luutru'], check=True)
    # The database-level grants (CONNECT, CREATE) are not copied with a template. The script
    # also updates the cluster-wide roles: one run at a time on this PostgreSQL, whichever
    # test process (xdist worker, other test run) asks.
    with _machine_lock(f"luutru-db-roles-{PG_PORT}"):
        subprocess.run(
            [*_psql("postgres", name), "-v", f"database={name}", "-f", str(ROLES_SQL)],
            check=True,
            stdout=subprocess.DEVNULL,
        )


@contextmanager
def _machine_lock(name: str) -> Iterator[None]:
    """An exclusive lock of every process on this machine (a file lock under /tmp)."""
    with open(Path(tempfile.gettempdir()) / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


# One database per test run migrated the way `migrate_fresh` does, the first time a test
# database is asked for on a PostgreSQL: every later test database is a copy of it (CREATE
# DATABASE … TEMPLATE, a file copy), not three migrate processes again. The xdist workers of a
# run, and the serial pass scripts/test runs after them, share it: whoever needs it first
# migrates it while holding a file lock, and marks it with the run's id (scripts/test's
# LUUTRU_TEST_RUN_ID, else xdist's id of the run); the others wait for the lock and copy it.
MIGRATED_TEMPLATE = f"luutru_migrated{RUN_TAG}"
TEST_RUN_ID = (
    os.environ.get("LUUTRU_TEST_RUN_ID")
    or os.environ.get("PYTEST_XDIST_TESTRUNUID")
    or uuid.uuid4().hex  # one pytest process on its own: its own template
)
_templates_made: set[int] = set()


def _template_run_id() -> str:
    """The run id the migrated template was marked with ('' if there is none)."""
    query = (
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
        f"WHERE datname = '{MIGRATED_TEMPLATE}'"
    )
    out = subprocess.run(
        [*_psql("luutru", "postgres"), "-tAc", query], check=True, capture_output=True, text=True
    ).stdout
    return out.strip()


def _ensure_migrated_template() -> None:
    if PG_PORT in _templates_made:
        return
    with _machine_lock(f"luutru-test-template{RUN_TAG}-{PG_PORT}"):
        if _template_run_id() != TEST_RUN_ID:
            migrate_fresh(MIGRATED_TEMPLATE)
            subprocess.run(
                [
                    *_psql("luutru", "postgres"),
                    "-c",
                    f"COMMENT ON DATABASE \"{MIGRATED_TEMPLATE}\" IS '{TEST_RUN_ID}'",
                ],
                check=True,
            )
    _templates_made.add(PG_PORT)


def recreate_database(name: str) -> None:
    """A fresh database with every service's schema as `migrate` makes it (and the service
    roles' rights on it): a copy of this run's migrated template."""
    _ensure_migrated_template()
    create_database(name, template=MIGRATED_TEMPLATE)


class TestSigner:
    """A signing key of the tests' own, published to an app's verifier like accounts' JWKS."""

    def __init__(self) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.kid = "test-" + uuid.uuid4().hex[:8]
        jwk = json.loads(ECAlgorithm.to_jwk(self.private.public_key()))
        jwk.update({"kid": self.kid, "alg": TOKEN_ALGORITHM, "use": "sig"})
        self.jwks = {"keys": [jwk]}
        self.pem = self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def token(self, *, role: str, ttl: int = 300, **claims) -> str:
        now = int(time.time())
        payload = {
            "sub": claims.pop("sub", str(uuid.uuid4())),
            "role": role,
            "iss": "luutru-accounts",
            "aud": "luutru",
            "iat": now,
            "exp": now + ttl,
            **{k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in claims.items()},
        }
        return jwt.encode(payload, self.pem, algorithm=TOKEN_ALGORITHM, headers={"kid": self.kid})


@asynccontextmanager
async def running_app(app):
    """Run an app's lifespan (database, workers) and give an HTTP client bound to it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# The password every test account gets at its first login (meets accounts' password policy).
TEST_PASSWORD = "Đổi-Mật-Khẩu-2026"


def first_login(accounts_url: str, username: str, one_time_password: str) -> str:
    """First login of an account created with a one-time password (a facility manager, new
    staff): accounts requires the password to be changed before its tokens are good for
    anything else. Changes it to TEST_PASSWORD and returns an access token."""
    response = httpx.post(
        f"{accounts_url}/v1/auth/password",
        json={
            "username": username,
            "current_password": one_time_password,
            "new_password": TEST_PASSWORD,
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng


def cp1258(text: str) -> bytes:
    """Encode as legacy Windows software does: precomposed letters where Windows-1258 has them
    (â, ê, ơ, ư, đ…), the five tones as combining marks after them."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
            tones = "".join(c for c in parts if c in TONE_MARKS)
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)
