"""docker-compose.yml: valid for the compose client, and in step with the services' settings.

`docker-compose config` validates and resolves the file without an engine (the binary comes
from scripts/bootstrap.sh, ensure_deploy_tools).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from luutru_accounts.settings import AccountsSettings
from luutru_analytics.settings import AnalyticsSettings
from luutru_common.cli import DEFAULT_PORTS
from luutru_ingest.settings import IngestSettings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / ".local" / "bin" / "docker-compose"
SETTINGS = {"accounts": AccountsSettings, "ingest": IngestSettings, "analytics": AnalyticsSettings}
# The variables of the file that an operator sets (in .env); config must work without them.
OPERATOR_VARIABLES = (
    "LUUTRU_ENVIRONMENT",
    "POSTGRES_PASSWORD",
    "LUUTRU_BOOTSTRAP_ADMIN_USERNAME",
    "LUUTRU_BOOTSTRAP_ADMIN_PASSWORD",
    "LUUTRU_PSEUDONYM_SECRET",
    "LUUTRU_SIGNING_KEK",
    "LUUTRU_KAFKA_ADMIN_PASSWORD",
    *(f"LUUTRU_KAFKA_{s}_PASSWORD" for s in ("ACCOUNTS", "INGEST", "ANALYTICS")),
    *(
        f"LUUTRU_DB_{s}{o}_PASSWORD"
        for s in ("ACCOUNTS", "INGEST", "ANALYTICS")
        for o in ("", "_OWNER")
    ),
)


def compose_config(path: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    assert COMPOSE.exists(), "run: source scripts/bootstrap.sh && ensure_deploy_tools"
    base = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / ".local")}
    return subprocess.run(
        [str(COMPOSE), "-f", str(path), "--profile", "demo", "config", "--format", "json"],
        cwd=path.parent,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
    )


@pytest.fixture(scope="module")
def config() -> dict:
    result = compose_config(ROOT / "docker-compose.yml")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def default_port(service: str) -> int:
    return DEFAULT_PORTS[service]


def kafka_version() -> str:
    pom = (ROOT / "infra" / "kafka" / "pom.xml").read_text()
    return re.search(r"<kafka.version>([^<]+)</kafka.version>", pom).group(1)


def settings_fields(service: str) -> set[str]:
    return {f"LUUTRU_{name.upper()}" for name in SETTINGS[service].model_fields}


def test_the_file_has_the_whole_topology(config):
    assert set(config["services"]) == {
        "postgres",
        "pg-archive-init",
        "kafka-init",
        "kafka",
        "topics",
        "db-roles",
        "migrate-accounts",
        "migrate-ingest",
        "migrate-analytics",
        "accounts",
        "ingest",
        "analytics",
        "console",
        "seed",
    }
    assert config["services"]["seed"]["profiles"] == ["demo"]
    for name, service in config["services"].items():
        if name != "seed":
            assert "profiles" not in service, name


def postgres_settings(config) -> dict[str, str]:
    """The `-c name=value` settings compose starts PostgreSQL with."""
    command = config["services"]["postgres"]["command"]
    assert command[0] == "postgres"
    return dict(command[i + 1].split("=", 1) for i, a in enumerate(command) if a == "-c")


def test_postgres_archives_its_wal_into_a_volume_of_its_own(config):
    """Point-in-time recovery in compose: every WAL segment lands in the pgarchive volume
    (docs/deploy.md, "Backups (compose)"); tests/integration/platform/test_compose_pitr.py
    runs this very archive_command and restores from it."""
    settings = postgres_settings(config)
    assert settings["wal_level"] == "replica"
    assert settings["archive_mode"] == "on"
    assert 0 < int(settings["archive_timeout"]) <= 300  # RPO of minutes even when quiet
    archive = settings["archive_command"]
    assert archive.startswith("test ! -f /archive/wal/%f.gz && ")  # never overwrites
    assert "%p" in archive and archive.endswith("mv /archive/wal/%f.gz.part /archive/wal/%f.gz")
    mounts = {v["target"]: v for v in config["services"]["postgres"]["volumes"]}
    assert mounts["/archive"]["type"] == "volume"
    assert mounts["/archive"]["source"] == "pgarchive"
    assert mounts["/var/lib/postgresql/data"]["source"] == "pgdata"  # not the same disk area
    init = config["services"]["pg-archive-init"]
    assert {v["target"]: v["source"] for v in init["volumes"]} == {"/archive": "pgarchive"}
    assert "/archive/wal" in init["command"] and "/archive/base" in init["command"]
    assert init["command"][init["command"].index("-o") + 1] == "postgres"
    assert init["image"] == config["services"]["postgres"]["image"]  # the same postgres uid
    condition = config["services"]["postgres"]["depends_on"]["pg-archive-init"]["condition"]
    assert condition == "service_completed_successfully"
    assert "pgarchive" in config["volumes"]


def broker_properties(config) -> dict[str, str]:
    """The server.properties kafka-init writes for the broker (a heredoc of its script)."""
    script = config["services"]["kafka-init"]["command"][0]
    body = script.split("cat >server.properties <<EOF\n", 1)[1].split("\nEOF\n", 1)[0]
    return dict(
        line.split("=", 1) for line in body.splitlines() if line and not line.startswith("#")
    )


def test_kafka_is_the_pinned_version_in_kraft_mode(config):
    kafka = config["services"]["kafka"]
    assert kafka["image"] == f"apache/kafka:{kafka_version()}"
    assert config["services"]["topics"]["image"] == kafka["image"]
    assert config["services"]["kafka-init"]["image"] == kafka["image"]
    assert kafka["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    props = broker_properties(config)
    assert kafka["command"][-1] == "/etc/kafka/luutru/server.properties"
    assert props["process.roles"] == "broker,controller"
    assert props["auto.create.topics.enable"] == "false"
    # the data volume is where the broker writes
    assert props["log.dirs"] in {v["target"] for v in kafka["volumes"]}


def test_kafka_takes_only_tls_and_scram_clients_with_acls(config):
    props = broker_properties(config)
    assert props["listeners"] == "SASL_SSL://:9092,CONTROLLER://:9093"
    assert props["listener.security.protocol.map"] == "CONTROLLER:SSL,SASL_SSL:SASL_SSL"
    assert props["listener.name.controller.ssl.client.auth"] == "required"
    assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
    assert props["authorizer.class.name"].endswith("StandardAuthorizer")
    assert props["allow.everyone.if.no.acl.found"] == "false"
    assert props["super.users"] == "User:luutru-admin;User:CN=luutru-kafka-broker"
    script = config["services"]["kafka-init"]["command"][0]
    for user in ("luutru-admin", "luutru-accounts", "luutru-ingest", "luutru-analytics"):
        assert f'--add-scram "SCRAM-SHA-512=[name={user},' in script
    topics = config["services"]["topics"]
    mounts = {(Path(v["source"]), v["target"]) for v in topics["volumes"] if v["type"] == "bind"}
    assert (ROOT / "infra" / "kafka-acls.txt", "/kafka-acls.txt") in mounts
    assert "kafka-acls.sh" in topics["command"][0]


def test_the_topics_come_from_infra_topics_txt(config):
    topics = config["services"]["topics"]
    mounts = {(Path(v["source"]), v["target"]) for v in topics["volumes"]}
    assert (ROOT / "infra" / "topics.txt", "/topics.txt") in mounts
    assert "--create --if-not-exists" in topics["command"][0]
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"


@pytest.mark.parametrize("service", SETTINGS)
def test_each_service_image_command_port_and_health(config, service):
    svc = config["services"][service]
    assert svc["image"] == f"luutru-{service}"
    assert svc["build"]["args"] == {"SERVICE": service}
    assert svc["build"]["dockerfile"] == "Dockerfile"
    command = svc["command"]
    assert command[:2] == [f"luutru-{service}", "serve"]
    port = int(command[command.index("--port") + 1])
    assert command[command.index("--host") + 1] == "0.0.0.0"
    [published] = svc["ports"]
    assert published["target"] == port
    assert int(published["published"]) == default_port(service)  # as with scripts/run
    assert published["host_ip"] == "127.0.0.1"  # behind a reverse proxy unless told otherwise
    probe = " ".join(svc["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/readyz" in probe
    assert svc["restart"] == "unless-stopped"


@pytest.mark.parametrize("service", SETTINGS)
def test_each_service_waits_for_its_migration_and_the_infrastructure(config, service):
    deps = config["services"][service]["depends_on"]
    assert deps[f"migrate-{service}"]["condition"] == "service_completed_successfully"
    assert deps["topics"]["condition"] == "service_completed_successfully"
    assert deps["postgres"]["condition"] == "service_healthy"
    assert deps["kafka"]["condition"] == "service_healthy"
    if service != "accounts":  # tokens are checked against the accounts JWKS
        assert deps["accounts"]["condition"] == "service_healthy"
    migrate = config["services"][f"migrate-{service}"]
    assert migrate["image"] == f"luutru-{service}"
    assert migrate["command"] == [f"luutru-{service}", "migrate"]
    assert migrate["depends_on"]["db-roles"]["condition"] == "service_completed_successfully"
    assert config["services"]["db-roles"]["depends_on"]["postgres"]["condition"] == (
        "service_healthy"
    )
    assert migrate["restart"] == "no"


@pytest.mark.parametrize("service", SETTINGS)
def test_every_luutru_variable_is_a_setting_of_that_service(config, service):
    for name in (service, f"migrate-{service}"):
        env = config["services"][name]["environment"]
        unknown = {key for key in env if key.startswith("LUUTRU_")} - settings_fields(service)
        assert not unknown, f"{name}: {unknown} are not fields of {SETTINGS[service].__name__}"


@pytest.mark.parametrize("service", SETTINGS)
def test_the_environment_builds_valid_settings_that_point_inside_compose(
    config, service, monkeypatch
):
    svc = config["services"][service]
    for key in list(os.environ):
        if key.startswith("LUUTRU_"):
            monkeypatch.delenv(key)
    for key, value in svc["environment"].items():
        monkeypatch.setenv(key, value)
    settings = SETTINGS[service]()
    port = svc["command"][svc["command"].index("--port") + 1]
    postgres = config["services"]["postgres"]["environment"]
    role = f"luutru_{service}"  # the runtime role of infra/db-roles.sql, not the admin
    assert settings.database_url == (
        f"postgresql+asyncpg://{role}:{role}@postgres:5432/{postgres['POSTGRES_DB']}"
    )
    migrate = config["services"][f"migrate-{service}"]["environment"]
    assert migrate["LUUTRU_DATABASE_URL"] == settings.database_url
    assert migrate["LUUTRU_MIGRATE_DATABASE_URL"].startswith(
        f"postgresql+asyncpg://{role}_owner:{role}_owner@postgres:5432/"
    )
    roles = config["services"]["db-roles"]
    assert f"luutru_{service}_password={role}" in roles["command"]
    assert config["services"][f"migrate-{service}"]["depends_on"]["db-roles"]["condition"] == (
        "service_completed_successfully"
    )
    advertised = broker_properties(config)["advertised.listeners"]
    assert f"SASL_SSL://{settings.kafka_bootstrap}" == advertised
    assert settings.kafka_security_protocol == "SASL_SSL"
    assert settings.kafka_username == f"luutru-{service}"  # its own principal, not the admin
    ca_dir = {v["target"]: v["source"] for v in svc["volumes"]}[
        str(Path(settings.kafka_ca_file).parent)
    ]
    assert {v["target"]: v["source"] for v in config["services"]["kafka-init"]["volumes"]}[
        "/ca"
    ] == ca_dir
    assert settings.jwks_url == f"http://accounts:{port}/.well-known/jwks.json"
    assert settings.embedded_workers is True  # one machine: no separate worker containers
    assert settings.kafka_replication_factor == 1  # one broker
    assert settings.log_json is True


def test_the_console_forwards_to_the_services_inside_compose(config, monkeypatch):
    from luutru_console.settings import ConsoleSettings

    console = config["services"]["console"]
    assert console["image"] == "luutru-console"
    assert console["build"]["args"] == {"SERVICE": "console"}
    assert console["command"][:2] == ["luutru-console", "serve"]
    [published] = console["ports"]
    assert (published["published"], published["host_ip"]) == ("8000", "127.0.0.1")
    assert "/readyz" in " ".join(console["healthcheck"]["test"])
    for service in ("accounts", "ingest", "analytics"):
        assert console["depends_on"][service]["condition"] == "service_healthy"
    fields = {f"LUUTRU_{name.upper()}" for name in ConsoleSettings.model_fields}
    assert {k for k in console["environment"] if k.startswith("LUUTRU_")} <= fields
    # The audited client address survives the console's hop: the services believe the
    # console's header (and the host's reverse proxy's), no one else's.
    console_ip = console["networks"]["default"]["ipv4_address"]
    for name in ("accounts", "ingest", "analytics"):
        env = config["services"][name]["environment"]
        assert "FORWARDED_ALLOW_IPS" not in env, name
        trusted = env["LUUTRU_TRUSTED_PROXIES"].split(",")
        assert console_ip in trusted and "*" not in trusted, name
    assert console["environment"]["LUUTRU_TRUSTED_PROXIES"] == "172.28.0.1"
    for key in list(os.environ):
        if key.startswith("LUUTRU_"):
            monkeypatch.delenv(key)
    for key, value in console["environment"].items():
        monkeypatch.setenv(key, value)
    settings = ConsoleSettings()
    for service in ("accounts", "ingest", "analytics"):
        assert settings.upstream(service) == f"http://{service}:8000"


def test_secrets_come_from_the_operator_environment(config):
    result = compose_config(
        ROOT / "docker-compose.yml",
        {
            "LUUTRU_ENVIRONMENT": "prod",
            "POSTGRES_PASSWORD": "s3cret-pg",
            "LUUTRU_DB_INGEST_PASSWORD": "s3cret-ingest",
            "LUUTRU_BOOTSTRAP_ADMIN_PASSWORD": "s3cret-admin",
            "LUUTRU_PSEUDONYM_SECRET": "s3cret-pseudonym-key-0123",
        },
    )
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "s3cret-pg"
    accounts = services["accounts"]["environment"]
    assert accounts["LUUTRU_BOOTSTRAP_ADMIN_PASSWORD"] == "s3cret-admin"
    assert accounts["LUUTRU_ENVIRONMENT"] == "prod"
    analytics = services["analytics"]["environment"]
    assert analytics["LUUTRU_PSEUDONYM_SECRET"] == "s3cret-pseudonym-key-0123"
    assert ":s3cret-ingest@postgres:" in services["ingest"]["environment"]["LUUTRU_DATABASE_URL"]
    assert "luutru_ingest_password=s3cret-ingest" in services["db-roles"]["command"]
    text = (ROOT / "docker-compose.yml").read_text()
    for variable in OPERATOR_VARIABLES:
        assert "${" + variable in text


def test_the_demo_seed_uses_the_services_inside_compose(config):
    seed = config["services"]["seed"]
    command = " ".join(seed["command"])
    for service in SETTINGS:
        assert f"--{service} http://{service}:8000" in command
        assert seed["depends_on"][service]["condition"] == "service_healthy"
    assert (ROOT / "scripts" / "seed_demo.py") in {Path(v["source"]) for v in seed["volumes"]}


@pytest.mark.parametrize(
    "broken",
    [
        "services:\n  web:\n    image: x\n    restartt: always\n",  # unknown key
        "services:\n  web:\n    image: x\n    depends_on: {db: {condition: service_healthy}}\n",
        "services:\n  web:\n    image: x\n    ports: [{target: not-a-port}]\n",
    ],
)
def test_compose_rejects_a_broken_file(tmp_path, broken):
    path = tmp_path / "docker-compose.yml"
    path.write_text(broken)
    assert compose_config(path).returncode != 0


@pytest.mark.parametrize("service", SETTINGS)
def test_production_refuses_every_development_default(service, monkeypatch):
    """LUUTRU_ENVIRONMENT=prod with nothing else set: each service refuses to start (dev
    database passwords, dev KEK, dev admin password, dev pseudonym secret, dev pre-registration secret)."""
    result = compose_config(ROOT / "docker-compose.yml", {"LUUTRU_ENVIRONMENT": "prod"})
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    for name in (service, f"migrate-{service}"):
        for key in list(os.environ):
            if key.startswith("LUUTRU_"):
                monkeypatch.delenv(key)
        for key, value in services[name]["environment"].items():
            monkeypatch.setenv(key, value)
        with pytest.raises(ValueError, match="development password"):
            SETTINGS[service]()
    # With real database passwords, what remains is refused too, one secret at a time.
    secrets = {
        "LUUTRU_DB_ACCOUNTS_PASSWORD": "db-a-9f3",
        "LUUTRU_DB_ACCOUNTS_OWNER_PASSWORD": "db-b-9f3",
        "LUUTRU_DB_INGEST_PASSWORD": "db-c-9f3",
        "LUUTRU_DB_INGEST_OWNER_PASSWORD": "db-d-9f3",
        "LUUTRU_DB_ANALYTICS_PASSWORD": "db-e-9f3",
        "LUUTRU_DB_ANALYTICS_OWNER_PASSWORD": "db-f-9f3",
    }

    def production_env(secrets: dict[str, str]) -> None:
        result = compose_config(
            ROOT / "docker-compose.yml", {"LUUTRU_ENVIRONMENT": "prod", **secrets}
        )
        env = json.loads(result.stdout)["services"][service]["environment"]
        for key in list(os.environ):
            if key.startswith("LUUTRU_"):
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)

    production_env(secrets)
    with pytest.raises(ValueError, match="LUUTRU_KAFKA_PASSWORD is a development password"):
        SETTINGS[service]()
    secrets[f"LUUTRU_KAFKA_{service.upper()}_PASSWORD"] = "kafka-9f3"
    production_env(secrets)
    with pytest.raises(ValueError, match="the default is for dev only"):
        SETTINGS[service]()
