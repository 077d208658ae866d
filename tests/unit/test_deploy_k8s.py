"""deploy/k8s: every overlay renders (kustomize) and every object is valid offline (kubeconform
against the Kubernetes 1.34 schemas and the CloudNativePG, KEDA and Strimzi CRD schemas, all
prepared by scripts/bootstrap.sh, ensure_deploy_tools), and the manifests agree with the
services.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from luutru_accounts.settings import AccountsSettings
from luutru_analytics.settings import AnalyticsSettings
from luutru_ingest.settings import IngestSettings

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".local" / "bin"
SCHEMAS = ROOT / ".local" / "k8s-schemas"
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
SETTINGS = {"accounts": AccountsSettings, "ingest": IngestSettings, "analytics": AnalyticsSettings}
CONSUMER_GROUPS = {"ingest": {"facility.v1"}, "analytics": {"facility.v1", "stay.v1", "trip.v1"}}


def tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), "run: source scripts/bootstrap.sh && ensure_deploy_tools"
    return str(path)


def kubernetes_version() -> str:
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    return re.search(r'^K8S_VERSION="([^"]+)"', bootstrap, re.M).group(1)


def kubeconform(manifests: str) -> list[dict]:
    """One result per object: {"kind", "name", "status", "msg"}."""
    result = subprocess.run(
        [
            tool("kubeconform"),
            "-strict",
            "-verbose",
            "-output",
            "json",
            "-kubernetes-version",
            kubernetes_version(),
            "-schema-location",
            str(SCHEMAS / "kubernetes" / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
            "-schema-location",
            str(
                SCHEMAS
                / "crds"
                / "{{ .Group }}"
                / "{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
            ),
            "-",
        ],
        input=manifests,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], "HOME": str(ROOT / ".local")},
    )
    return json.loads(result.stdout)["resources"]


def render(overlay: str) -> str:
    result = subprocess.run(
        [tool("kustomize"), "build", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return {overlay: render(overlay) for overlay in OVERLAYS}


@pytest.fixture(scope="module")
def objects(rendered) -> dict[str, list[dict]]:
    return {o: [d for d in yaml.safe_load_all(text) if d] for o, text in rendered.items()}


def find(objs: list[dict], kind: str, name: str | None = None) -> list[dict]:
    return [o for o in objs if o["kind"] == kind and name in (None, o["metadata"]["name"])]


def one(objs: list[dict], kind: str, name: str) -> dict:
    [obj] = find(objs, kind, name)
    return obj


def topics_txt() -> dict[str, tuple[int, str]]:
    rows = [
        line.split()
        for line in (ROOT / "infra" / "topics.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {name: (int(parts), policy) for name, parts, policy in rows}


# --- schemas ---------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_object_of_the_overlay_is_valid(rendered, objects, overlay):
    results = kubeconform(rendered[overlay])
    bad = [r for r in results if r["status"] != "statusValid"]
    assert not bad, bad
    assert len(results) == len(objects[overlay])
    validated = {r["kind"] for r in results}
    # the custom resources of the operators really were checked against their CRDs
    assert {
        "Cluster",
        "ScaledObject",
        "TriggerAuthentication",
        "Kafka",
        "KafkaNodePool",
        "KafkaTopic",
        "KafkaUser",
    } <= validated


def test_the_secret_templates_are_valid():
    text = "\n---\n".join(p.read_text() for p in sorted((K8S / "secrets").glob("*.yaml")))
    results = kubeconform(text)
    assert len(results) == 12
    assert all(r["status"] == "statusValid" for r in results), results


BROKEN = {
    "unknown field": """
apiVersion: apps/v1
kind: Deployment
metadata: {name: x}
spec:
  replicas: 1
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: x, image: x, livenessProbes: {}}]
""",
    "wrong type": """
apiVersion: v1
kind: Service
metadata: {name: x}
spec: {ports: [{port: eighty}]}
""",
    "CRD field (KEDA)": """
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: x}
spec:
  scaleTargetRef: {name: x}
  maxReplicaCount: many
  triggers: [{type: kafka, metadata: {topic: a}}]
""",
    "CRD field (CloudNativePG)": """
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: x}
spec:
  instances: 3
  storage: {size: 1Gi}
  replicaCount: 3
""",
    "CRD field (Strimzi KafkaTopic)": """
apiVersion: kafka.strimzi.io/v1
kind: KafkaTopic
metadata: {name: x, labels: {strimzi.io/cluster: luutru}}
spec: {partitions: 3, replica: 3}
""",
    "CRD enum (Strimzi KafkaNodePool)": """
apiVersion: kafka.strimzi.io/v1
kind: KafkaNodePool
metadata: {name: x, labels: {strimzi.io/cluster: luutru}}
spec: {replicas: 1, roles: [controller, borker], storage: {type: ephemeral}}
""",
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_object_is_rejected(case):
    [result] = kubeconform(BROKEN[case])
    assert result["status"] == "statusInvalid", result


# --- the services ----------------------------------------------------------------------------


def container(obj: dict) -> dict:
    [c] = obj["spec"]["template"]["spec"]["containers"]
    return c


def secret_values(objs: list[dict]) -> dict[str, dict[str, str]]:
    """The secrets as the overlay generates them, else as the templates of deploy/k8s/secrets."""
    values = {}
    for path in sorted((K8S / "secrets").glob("*.yaml")):
        for secret in yaml.safe_load_all(path.read_text()):
            values[secret["metadata"]["name"]] = secret["stringData"]
    for secret in find(objs, "Secret"):
        values[secret["metadata"]["name"]] = {
            k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()
        }
    return values


def environment(objs: list[dict], c: dict) -> dict[str, str]:
    """The environment a container gets: envFrom ConfigMaps/Secrets, then env (with $(VAR))."""
    secrets = secret_values(objs)
    env: dict[str, str] = {}
    for source in c.get("envFrom", []):
        if "configMapRef" in source:
            env.update(one(objs, "ConfigMap", source["configMapRef"]["name"])["data"])
        else:
            env.update(secrets[source["secretRef"]["name"]])
    for item in c.get("env", []):
        if "value" in item:
            env[item["name"]] = re.sub(r"\$\((\w+)\)", lambda m: env[m.group(1)], item["value"])
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            if ref["name"].startswith(STRIMZI_USER_SECRET):  # made by Strimzi's User Operator
                env[item["name"]] = f"strimzi-generated-{ref['name']}"
                continue
            env[item["name"]] = secrets[ref["name"]][ref["key"]]
    return env


STRIMZI_USER_SECRET = "kafka-user-"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SETTINGS)
def test_each_service_has_api_worker_migration_service_and_pdb(objects, overlay, service):
    objs = objects[overlay]
    name = f"luutru-{service}"
    api = one(objs, "Deployment", name)
    c = container(api)
    assert c["command"][1:] == ["--", name, "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert c["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["startupProbe"]["httpGet"]["path"] == "/livez"
    assert {p["containerPort"] for p in c["ports"]} == {8000}
    for deployment in (api, one(objs, "Deployment", f"{name}-worker")):
        c = container(deployment)
        assert c["resources"]["requests"]["cpu"] and c["resources"]["requests"]["memory"]
        assert c["resources"]["limits"]["memory"]
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001  # the image's user
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert c["securityContext"]["allowPrivilegeEscalation"] is False
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        pdbs = [
            p
            for p in find(objs, "PodDisruptionBudget")
            if p["spec"]["selector"]["matchLabels"].items() <= labels.items()
        ]
        assert len(pdbs) == 1, deployment["metadata"]["name"]
    worker = container(one(objs, "Deployment", f"{name}-worker"))
    assert worker["command"][2:] == [name, "worker", "--host", "0.0.0.0", "--port", "9000"]
    # The worker's own HTTP server feeds its probes and Prometheus.
    assert {p["name"]: p["containerPort"] for p in worker["ports"]} == {"metrics": 9000}
    for probe, path in (
        ("startupProbe", "/livez"),
        ("livenessProbe", "/livez"),
        ("readinessProbe", "/readyz"),
    ):
        assert worker[probe]["httpGet"] == {"path": path, "port": "metrics"}, probe
    job = one(objs, "Job", f"{name}-migrate")
    assert container(job)["command"][2:] == [name, "migrate"]
    # A GitOps pre-deploy hook: Argo CD runs it before the rest and replaces it each sync;
    # Flux recreates it (a Job is immutable). Restarted within its deadline, it resumes:
    # one transaction per migration, backfills in batches (luutru_common.backfill).
    notes = job["metadata"]["annotations"]
    assert notes["argocd.argoproj.io/hook"] == "PreSync"
    assert notes["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    assert int(notes["argocd.argoproj.io/sync-wave"]) < 0
    assert notes["kustomize.toolkit.fluxcd.io/force"] == "enabled"
    assert job["spec"]["backoffLimit"] >= 3 and job["spec"]["activeDeadlineSeconds"] > 0
    assert "argocd.argoproj.io/hook" not in api["metadata"].get("annotations", {})
    if service == "analytics":
        # Feeds read from a standby in prod (the -ro service), from any instance in dev.
        reads = environment(objs, container(api))["LUUTRU_READ_DATABASE_URL"]
        host = reads.split("@")[1].split(":")[0]
        assert host == ("luutru-pg-ro" if overlay == "prod" else "luutru-pg-r")
        assert reads.split("//")[1].startswith("luutru_analytics:")
    # migrate connects as the schema owner and grants the runtime role its rights
    env = environment(objs, container(job))
    assert env["LUUTRU_MIGRATE_DATABASE_URL"].split("//")[1].startswith(f"luutru_{service}_owner:")
    assert env["LUUTRU_DATABASE_URL"].split("//")[1].startswith(f"luutru_{service}:")
    # retention (docs/privacy.md) nightly, as the runtime role
    cron = one(objs, "CronJob", f"{name}-retention")
    c = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert c["command"][2:] == [name, "retention"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    env = environment(objs, c)
    assert env["LUUTRU_DATABASE_URL"].split("//")[1].startswith(f"luutru_{service}:")
    assert "LUUTRU_MIGRATE_DATABASE_URL" not in env
    service_obj = one(objs, "Service", name)
    assert (
        service_obj["spec"]["selector"].items()
        <= api["spec"]["template"]["metadata"]["labels"].items()
    )
    assert service_obj["spec"]["selector"]["app.kubernetes.io/component"] == "api"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_rollups_are_recounted_after_each_rollout(objects, overlay):
    """A post-deploy hook (Argo CD PostSync), as the runtime role: it repairs what the old
    release's workers projected while a migration filled a new rollup."""
    job = one(objects[overlay], "Job", "luutru-analytics-recount")
    assert container(job)["command"][2:] == ["luutru-analytics", "recount"]
    notes = job["metadata"]["annotations"]
    assert notes["argocd.argoproj.io/hook"] == "PostSync"
    assert notes["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
    env = environment(objects[overlay], container(job))
    assert env["LUUTRU_DATABASE_URL"].split("//")[1].startswith("luutru_analytics:")
    assert "LUUTRU_MIGRATE_DATABASE_URL" not in env


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SETTINGS)
def test_the_environment_is_made_of_real_settings(objects, overlay, service, monkeypatch):
    objs = objects[overlay]
    for name in (f"luutru-{service}", f"luutru-{service}-worker"):
        c = container(one(objs, "Deployment", name))
        env = environment(objs, c)
        fields = {f"LUUTRU_{f.upper()}" for f in SETTINGS[service].model_fields}
        unknown = {k for k in env if k.startswith("LUUTRU_")} - fields
        assert not unknown, f"{overlay}/{name}: not settings of {service}: {unknown}"
        for key in list(os.environ):
            if key.startswith("LUUTRU_"):
                monkeypatch.delenv(key)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        settings = SETTINGS[service]()  # parses every value (and refuses dev secrets in prod)
        assert settings.environment == ("prod" if overlay == "prod" else "dev")
        assert settings.embedded_workers is False  # workers run in their own Deployments
        assert settings.database_url.startswith("postgresql+asyncpg://")
        assert "@luutru-pg-rw:5432/" in settings.database_url
        # the service's own runtime role, never the database owner
        assert settings.database_url.split("//")[1].startswith(f"luutru_{service}:")
        assert settings.kafka_bootstrap == "luutru-kafka-bootstrap:9093"
        assert settings.kafka_security_protocol == "SASL_SSL"
        # its own KafkaUser, whose password Strimzi keeps, and the cluster CA mounted
        assert settings.kafka_username == f"luutru-{service}"
        password = next(e for e in c["env"] if e["name"] == "LUUTRU_KAFKA_PASSWORD")
        assert password["valueFrom"]["secretKeyRef"] == {
            "name": f"{STRIMZI_USER_SECRET}luutru-{service}",
            "key": "password",
        }
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        volume = next(
            v
            for v in one(objs, "Deployment", name)["spec"]["template"]["spec"]["volumes"]
            if v["name"] == mounts[str(Path(settings.kafka_ca_file).parent)]
        )
        assert volume["secret"]["secretName"] == "luutru-cluster-ca-cert"
        assert settings.jwks_url == "http://luutru-accounts:8000/.well-known/jwks.json"
        assert settings.kafka_replication_factor == (3 if overlay == "prod" else 1)
    refs = [s["secretRef"]["name"] for s in c["envFrom"] if "secretRef" in s]
    assert refs == [f"luutru-{service}"]


def test_dev_generates_its_secrets_and_prod_never_carries_any(objects):
    assert {s["metadata"]["name"] for s in find(objects["dev"], "Secret")} == {
        "luutru-db-app",
        *(f"luutru-db-{s}{o}" for s in SETTINGS for o in ("", "-owner")),
        "luutru-accounts",
        "luutru-ingest",
        "luutru-analytics",
    }
    assert find(objects["prod"], "Secret") == []


# --- Kafka, PostgreSQL, scaling ----------------------------------------------------------------


def kafka_version() -> str:
    pom = (ROOT / "infra" / "kafka" / "pom.xml").read_text()
    return re.search(r"<kafka.version>([^<]+)</kafka.version>", pom).group(1)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kafka_is_strimzi_in_kraft_mode_with_node_pools(objects, overlay):
    objs = objects[overlay]
    kafka = one(objs, "Kafka", "luutru")
    assert kafka["apiVersion"] == "kafka.strimzi.io/v1"
    # v1: KRaft and node pools are the only mode; the old annotations are ignored since 0.48.
    assert not kafka["metadata"].get("annotations", {}).keys() & {
        "strimzi.io/kraft",
        "strimzi.io/node-pools",
    }
    assert kafka["spec"]["kafka"]["version"] == kafka_version()
    assert "zookeeper" not in kafka["spec"]
    [listener] = kafka["spec"]["kafka"]["listeners"]  # no plaintext listener
    assert (listener["name"], listener["port"], listener["type"]) == ("tls", 9093, "internal")
    assert listener["tls"] is True
    assert listener["authentication"] == {"type": "scram-sha-512"}
    assert kafka["spec"]["kafka"]["authorization"] == {"type": "simple"}
    assert kafka["spec"]["entityOperator"]["userOperator"]["secretPrefix"] == STRIMZI_USER_SECRET
    pools = find(objs, "KafkaNodePool")
    assert all(p["metadata"]["labels"]["strimzi.io/cluster"] == "luutru" for p in pools)
    roles = [
        role for p in pools for role in p["spec"]["roles"] for _ in range(p["spec"]["replicas"])
    ]
    if overlay == "prod":
        assert roles.count("controller") == 3 and roles.count("broker") == 3
        config = kafka["spec"]["kafka"]["config"]
        assert config["min.insync.replicas"] == 2 and config["default.replication.factor"] == 3
        assert config["offsets.topic.replication.factor"] == 3
    else:
        assert sorted(roles) == ["broker", "controller"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_topics_are_those_of_infra_topics_txt(objects, overlay):
    topics = {t["spec"]["topicName"]: t for t in find(objects[overlay], "KafkaTopic")}
    local = topics_txt()
    assert set(topics) == set(local)
    for name, (partitions, policy) in local.items():
        topic = topics[name]
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "luutru"
        assert topic["spec"]["config"]["cleanup.policy"] == policy
        assert topic["spec"]["partitions"] >= partitions  # never fewer than local tests use
        if overlay == "prod":
            assert topic["spec"]["replicas"] == 3
            assert topic["spec"]["config"]["min.insync.replicas"] == 2
        else:
            assert topic["spec"]["partitions"] == partitions
    for group, sources in CONSUMER_GROUPS.items():
        for source in sources:
            assert f"{source}.{group}.dlq" in topics  # pre-created, replicated like the rest


def scaling_problems(objs: list[dict]) -> list[str]:
    """ScaledObjects that could start idle consumers or stop the outbox relay."""
    partitions = {t["spec"]["topicName"]: t["spec"]["partitions"] for t in find(objs, "KafkaTopic")}
    found = []
    for scaled in find(objs, "ScaledObject"):
        name, spec = scaled["metadata"]["name"], scaled["spec"]
        topics = [t["metadata"]["topic"] for t in spec["triggers"] if t["type"] == "kafka"]
        if not topics:
            found.append(f"{name}: no kafka trigger")
            continue
        ceiling = max(partitions[t] for t in topics)
        if spec["maxReplicaCount"] > ceiling:
            found.append(f"{name}: {spec['maxReplicaCount']} replicas > {ceiling} partitions")
        if spec.get("minReplicaCount", 0) < 1:
            found.append(f"{name}: may scale to zero, stopping the outbox relay")
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_keda_scales_each_consumer_group_within_its_partitions(objects, overlay):
    objs = objects[overlay]
    assert scaling_problems(objs) == []
    for group, topics in CONSUMER_GROUPS.items():
        scaled = one(objs, "ScaledObject", f"luutru-{group}-worker")
        target = one(objs, "Deployment", scaled["spec"]["scaleTargetRef"]["name"])
        assert "worker" in container(target)["command"]
        triggers = scaled["spec"]["triggers"]
        prefix = one(objs, "ConfigMap", "luutru-common")["data"]["LUUTRU_CONSUMER_GROUP_PREFIX"]
        assert {t["metadata"]["consumerGroup"] for t in triggers} == {prefix + group}
        assert {t["metadata"]["topic"] for t in triggers} == topics
        assert {t["metadata"]["bootstrapServers"] for t in triggers} == {
            "luutru-kafka-bootstrap:9093"
        }
        assert {(t["metadata"]["sasl"], t["metadata"]["tls"]) for t in triggers} == {
            ("scram_sha512", "enable")
        }
        auth = one(objs, "TriggerAuthentication", triggers[0]["authenticationRef"]["name"])
        [username] = auth["spec"]["configMapTargetRef"]
        assert one(objs, "ConfigMap", username["name"])["data"][username["key"]] == "luutru-keda"
    # the consumer group names are the ones the services use
    from luutru_analytics.app import CONSUMER_GROUP as analytics_group
    from luutru_ingest.app import CONSUMER_GROUP as ingest_group

    assert {ingest_group, analytics_group} == set(CONSUMER_GROUPS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscaled_deployments_leave_the_count_to_their_autoscaler(objects, overlay):
    objs = objects[overlay]
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in find(objs, "HorizontalPodAutoscaler")}
    scaled |= {s["spec"]["scaleTargetRef"]["name"] for s in find(objs, "ScaledObject")}
    assert {"luutru-ingest-worker", "luutru-analytics-worker"} <= scaled
    if overlay == "prod":
        assert {"luutru-accounts", "luutru-ingest", "luutru-analytics"} <= scaled
    for name in scaled:
        # an apply would otherwise reset a scaled-up Deployment to the manifest's count
        assert "replicas" not in one(objs, "Deployment", name)["spec"], name


def test_the_scaling_check_catches_too_many_replicas(objects):
    objs = json.loads(json.dumps(objects["prod"]))
    one(objs, "ScaledObject", "luutru-ingest-worker")["spec"]["maxReplicaCount"] = 4
    one(objs, "ScaledObject", "luutru-analytics-worker")["spec"]["minReplicaCount"] = 0
    assert len(scaling_problems(objs)) == 2


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_postgres_is_a_cloudnativepg_cluster(objects, overlay):
    cluster = one(objects[overlay], "Cluster", "luutru-pg")
    assert cluster["spec"]["instances"] == (3 if overlay == "prod" else 1)
    assert cluster["spec"]["bootstrap"]["initdb"]["database"] == "luutru"
    assert cluster["spec"]["bootstrap"]["initdb"]["secret"]["name"] == "luutru-db-app"
    # the roles of infra/db-roles.sql, each with its own secret
    roles = {r["name"]: r for r in cluster["spec"]["managed"]["roles"]}
    sql = (ROOT / "infra" / "db-roles.sql").read_text()
    assert set(roles) == set(re.findall(r"\('(luutru_\w+)', :'", sql))
    for name, role in roles.items():
        assert role["login"] is True
        assert role["passwordSecret"]["name"] == name.replace("_", "-").replace(
            "luutru-", "luutru-db-"
        )
    params = cluster["spec"]["postgresql"]["parameters"]
    assert params["log_parameter_max_length"] == params["log_parameter_max_length_on_error"] == "0"
    if overlay == "prod":
        # Backups through the Barman Cloud plugin, not the deprecated barmanObjectStore.
        assert "backup" not in cluster["spec"]
        [plugin] = cluster["spec"]["plugins"]
        assert plugin["name"] == "barman-cloud.cloudnative-pg.io" and plugin["isWALArchiver"]
        store = one(objects[overlay], "ObjectStore", plugin["parameters"]["barmanObjectName"])
        assert store["spec"]["configuration"]["destinationPath"]
        assert cluster["spec"]["postgresql"]["synchronous"]["number"] == 1
        nightly = one(objects[overlay], "ScheduledBackup", "luutru-pg-nightly")
        assert nightly["spec"]["method"] == "plugin"
        pooler = one(objects[overlay], "Pooler", "luutru-pg-pooler-rw")
        assert pooler["spec"]["cluster"]["name"] == "luutru-pg"


def test_the_point_in_time_recovery_manifest_is_valid_and_reads_the_backups():
    text = (K8S / "recovery" / "postgres-pitr.yaml").read_text()
    assert [r["status"] for r in kubeconform(text)] == ["statusValid"]
    restore = yaml.safe_load(text)
    source = restore["spec"]["bootstrap"]["recovery"]["source"]
    [external] = restore["spec"]["externalClusters"]
    assert external["name"] == source
    assert external["plugin"]["parameters"]["barmanObjectName"] == "luutru-pg-backups"
    assert restore["spec"]["bootstrap"]["recovery"]["recoveryTarget"]["targetTime"]


# --- network policies ----------------------------------------------------------------------


def selects(selector: dict, labels: dict) -> bool:
    if not labels.items() >= selector.get("matchLabels", {}).items():
        return False
    for expr in selector.get("matchExpressions", []):
        value, op = labels.get(expr["key"]), expr["operator"]
        if op == "In" and value not in expr["values"]:
            return False
        if op == "NotIn" and value in expr["values"]:
            return False
        if op == "Exists" and value is None:
            return False
        if op == "DoesNotExist" and value is not None:
            return False
    return True


def peer_matches(peer: dict, pod: tuple[str, dict], here: str) -> bool:
    namespace, labels = pod
    if "namespaceSelector" in peer:
        ns_ok = selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": namespace})
    else:
        ns_ok = namespace == here
    return ns_ok and selects(peer.get("podSelector", {}), labels)


def direction_allows(policies, kind, subject, other, port, here) -> bool:
    """Whether the policies selecting `subject` allow traffic with `other` in `kind`."""
    namespace, labels = subject
    if namespace != here:
        return True  # not governed by this namespace's policies
    applying = [
        p
        for p in policies
        if kind in p["spec"]["policyTypes"] and selects(p["spec"]["podSelector"], labels)
    ]
    if not applying:
        return True
    key, peers_key = ("ingress", "from") if kind == "Ingress" else ("egress", "to")
    for policy in applying:
        for rule in policy["spec"].get(key, []):
            peers_ok = peers_key not in rule or any(
                peer_matches(peer, other, here) for peer in rule[peers_key]
            )
            ports_ok = "ports" not in rule or any(p["port"] == port for p in rule["ports"])
            if peers_ok and ports_ok:
                return True
    return False


def kafka_peers_allow(objs, source, here) -> bool:
    """Strimzi writes the listener's NetworkPolicy from networkPolicyPeers."""
    [listener] = one(objs, "Kafka", "luutru")["spec"]["kafka"]["listeners"]
    return any(peer_matches(p, source, here) for p in listener["networkPolicyPeers"])


def pod(component: str, service: str | None = None, namespace: str = "luutru") -> tuple:
    labels = {"app.kubernetes.io/component": component}
    if service:
        labels["app.kubernetes.io/name"] = f"luutru-{service}"
    return namespace, labels


PG = ("luutru", {"cnpg.io/cluster": "luutru-pg", "cnpg.io/instanceRole": "primary"})
KAFKA = ("luutru", {"strimzi.io/cluster": "luutru", "strimzi.io/broker-role": "true"})
NGINX = ("gateway-system", {"app.kubernetes.io/name": "gateway-data-plane"})  # the Gateway
OTHER_NS = ("someone-else", {"app": "curious"})
PROMETHEUS = ("monitoring", {"app.kubernetes.io/name": "prometheus"})
COLLECTOR = ("monitoring", {"app.kubernetes.io/name": "opentelemetry-collector"})


def can_connect(objs, source, destination, port) -> bool:
    policies = find(objs, "NetworkPolicy")
    here = "luutru"
    egress = direction_allows(policies, "Egress", source, destination, port, here)
    if destination == KAFKA:
        return egress and kafka_peers_allow(objs, source, here)
    return egress and direction_allows(policies, "Ingress", destination, source, port, here)


@pytest.mark.parametrize(
    ("source", "destination", "port", "allowed"),
    [
        (pod("api", "ingest"), PG, 5432, True),
        (pod("worker", "analytics"), PG, 5432, True),
        (pod("migration", "accounts"), PG, 5432, True),
        (pod("worker", "ingest"), KAFKA, 9093, True),
        (pod("api", "accounts"), KAFKA, 9093, True),
        (pod("api", "ingest"), pod("api", "accounts"), 8000, True),  # JWKS
        (pod("worker", "analytics"), pod("api", "accounts"), 8000, True),  # JWKS
        (NGINX, pod("api", "ingest"), 8000, True),
        (NGINX, pod("api", "analytics"), 8000, True),
        (NGINX, pod("api", "accounts"), 8000, True),
        (pod("api", "accounts"), pod("api", "ingest"), 8000, False),
        (pod("api", "analytics"), pod("api", "ingest"), 8000, False),
        (pod("api", "ingest"), pod("api", "analytics"), 8000, False),
        (NGINX, PG, 5432, False),
        (NGINX, pod("worker", "ingest"), 8000, False),
        (OTHER_NS, PG, 5432, False),
        (OTHER_NS, KAFKA, 9093, False),
        (OTHER_NS, pod("api", "accounts"), 8000, False),
        (pod("api", "ingest"), OTHER_NS, 443, False),  # no way out to anywhere else
        (pod("api", "ingest"), PG, 8000, False),
        # The web console: reached from the ingress controller, reaches only the three APIs.
        (NGINX, pod("web", "console"), 8000, True),
        (pod("web", "console"), pod("api", "accounts"), 8000, True),
        (pod("web", "console"), pod("api", "ingest"), 8000, True),
        (pod("web", "console"), pod("api", "analytics"), 8000, True),
        (pod("web", "console"), PG, 5432, False),
        (pod("web", "console"), KAFKA, 9093, False),
        (pod("web", "console"), pod("worker", "ingest"), 8000, False),
        (OTHER_NS, pod("web", "console"), 8000, False),
        (pod("api", "ingest"), pod("web", "console"), 8000, False),
        # Prometheus scrapes the workers' own metrics port; nobody else reaches it.
        (PROMETHEUS, pod("worker", "ingest"), 9000, True),
        (PROMETHEUS, pod("worker", "analytics"), 9000, True),
        (OTHER_NS, pod("worker", "ingest"), 9000, False),
        (NGINX, pod("worker", "accounts"), 9000, False),
        # ... and the console's, whose web port is public.
        (PROMETHEUS, pod("web", "console"), 9000, True),
        (NGINX, pod("web", "console"), 9000, False),
        (OTHER_NS, pod("web", "console"), 9000, False),
        # Traces go to the OpenTelemetry collector's OTLP/HTTP port, and only there.
        (pod("api", "ingest"), COLLECTOR, 4318, True),
        (pod("worker", "analytics"), COLLECTOR, 4318, True),
        (pod("api", "ingest"), COLLECTOR, 9092, False),
        (pod("api", "ingest"), PROMETHEUS, 4318, False),
        (pod("web", "console"), COLLECTOR, 4318, False),
    ],
)
def test_only_what_must_talk_can_talk(objects, source, destination, port, allowed):
    assert can_connect(objects["prod"], source, destination, port) is allowed


def routes(objs: list[dict]) -> dict[str, dict]:
    """HTTPRoutes by the first label of their host (accounts, ingest, analytics, console)."""
    return {r["spec"]["hostnames"][0].split(".")[0]: r for r in find(objs, "HTTPRoute")}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_gateway_routes_one_host_to_each_api_and_the_console(objects, overlay):
    gateway = one(objects[overlay], "Gateway", "luutru")
    listeners = {lst["name"]: lst for lst in gateway["spec"]["listeners"]}
    by_host = routes(objects[overlay])
    assert set(by_host) == {*SETTINGS, "console"} == set(listeners)
    for name, route in by_host.items():
        [parent] = route["spec"]["parentRefs"]
        assert parent == {"name": "luutru", "sectionName": name}
        assert route["spec"]["hostnames"] == [listeners[name]["hostname"]]
        assert listeners[name]["protocol"] == "HTTPS"
        assert listeners[name]["tls"]["certificateRefs"] == [{"name": "luutru-tls"}]
        # The console's host ends with everything else going to the console's pages.
        last = route["spec"]["rules"][-1]
        backend = "console" if name == "console" else name
        assert last["backendRefs"] == [{"name": f"luutru-{backend}", "port": 8000}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_docs_metrics_and_probes_are_not_public(objects, overlay):
    """The API hosts route /v1 only; /docs, /openapi.json, /metrics, /livez, /readyz stay
    inside the cluster."""
    for name, route in routes(objects[overlay]).items():
        prefixes = [m["path"]["value"] for r in route["spec"]["rules"] for m in r["matches"]]
        if name == "console":
            assert all(p.startswith(("/v1/", "/.well-known/")) for p in prefixes[:-1])
            assert prefixes[-1] == "/"
        else:
            assert prefixes == ["/v1"]
    assert not find(objects[overlay], "Ingress")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_console_is_a_locked_down_stateless_web_deployment(objects, overlay, monkeypatch):
    from luutru_console.settings import ConsoleSettings

    objs = objects[overlay]
    deployment = one(objs, "Deployment", "luutru-console")
    c = container(deployment)
    assert c["command"][1:] == [
        "--",
        "luutru-console",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
        "--metrics-port",
        "9000",
    ]
    # The metrics port is the pod's own, not the Service's: the Gateway cannot send it there.
    assert {p["name"]: p["containerPort"] for p in c["ports"]} == {"http": 8000, "metrics": 9000}
    service_ports = one(objs, "Service", "luutru-console")["spec"]["ports"]
    assert [p["targetPort"] for p in service_ports] == ["http"]
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 10001
    env = environment(objs, c)
    assert not any("secretKeyRef" in str(e) for e in c.get("env", []))  # no secrets at all
    for key in list(os.environ):
        if key.startswith("LUUTRU_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = ConsoleSettings()
    for service in SETTINGS:  # the Services' names, not public hosts
        assert settings.upstream(service) == f"http://luutru-{service}:8000"
        one(objs, "Service", f"luutru-{service}")
    assert one(objs, "Service", "luutru-console")["spec"]["selector"] == {
        "app.kubernetes.io/name": "luutru-console",
        "app.kubernetes.io/component": "web",
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_console_host_sends_api_paths_straight_to_their_service(objects, overlay):
    from luutru_console.routing import API_PREFIXES

    console = routes(objects[overlay])["console"]
    routed = {
        m["path"]["value"]: r["backendRefs"][0]["name"].removeprefix("luutru-")
        for r in console["spec"]["rules"][:-1]
        for m in r["matches"]
    }
    assert routed == API_PREFIXES  # the same table as the console's own pass-through
    assert all(
        m["path"]["type"] == "PathPrefix" for r in console["spec"]["rules"] for m in r["matches"]
    )


def kafka_acls_txt() -> dict[str, set[tuple[str, str, str, str]]]:
    """infra/kafka-acls.txt: principal -> {(resource, pattern, name, operation)}."""
    acls: dict[str, set] = {}
    for line in (ROOT / "infra" / "kafka-acls.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        principal, resource, pattern, name, ops = line.split()
        pattern = {"prefixed": "prefix"}.get(pattern, pattern)
        for op in ops.split(","):
            acls.setdefault(principal, set()).add((resource, pattern, name, op))
    return acls


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_is_a_kafka_user_with_the_acls_of_infra(objects, overlay):
    users = {u["metadata"]["name"]: u for u in find(objects[overlay], "KafkaUser")}
    local = kafka_acls_txt()
    assert set(users) == set(local) | {"luutru-keda"}
    for name, user in users.items():
        assert user["metadata"]["labels"]["strimzi.io/cluster"] == "luutru"
        assert user["spec"]["authentication"] == {"type": "scram-sha-512"}
        assert user["spec"]["authorization"]["type"] == "simple"
        granted = {
            (a["resource"]["type"], a["resource"]["patternType"], a["resource"]["name"], op)
            for a in user["spec"]["authorization"]["acls"]
            for op in a["operations"]
        }
        if name == "luutru-keda":  # reads lag: describes, nothing more
            assert {op for *_, op in granted} == {"Describe"}
        else:
            assert granted == local[name], name
    # nobody but analytics writes alert.v1; nobody but ingest writes stay.v1
    writers = {
        (res, n): {p for p, acls in local.items() if (res, "literal", n, "Write") in acls}
        for res, n in (("topic", "alert.v1"), ("topic", "stay.v1"))
    }
    assert writers == {
        ("topic", "alert.v1"): {"luutru-analytics"},
        ("topic", "stay.v1"): {"luutru-ingest"},
    }


# --- pod security and placement --------------------------------------------------------------

SAFE_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


def pod_templates(objs: list[dict]) -> list[tuple[str, dict]]:
    """(kind/name, pod spec) of every object of ours that makes pods."""
    pods = []
    for o in objs:
        spec = o.get("spec", {})
        if o["kind"] == "CronJob":
            spec = spec["jobTemplate"]["spec"]
        elif o["kind"] not in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            continue
        pods.append((f"{o['kind']}/{o['metadata']['name']}", spec["template"]["spec"]))
    return pods


def restricted_violations(pod: dict) -> list[str]:
    """What the Pod Security Standard `restricted` refuses in a pod spec: the controls a
    manifest can break (host namespaces and ports, volume types, privilege, capabilities,
    non-root, seccomp)."""
    found = [f"host namespace {k}" for k in ("hostNetwork", "hostPID", "hostIPC") if pod.get(k)]
    found += [
        f"volume {v['name']}"
        for v in pod.get("volumes", [])
        if not set(v) - {"name"} <= SAFE_VOLUMES
    ]
    pod_sc = pod.get("securityContext", {})
    for c in pod.get("containers", []) + pod.get("initContainers", []):
        sc = c.get("securityContext", {})
        name = c["name"]
        if sc.get("privileged"):
            found.append(f"{name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            found.append(f"{name}: allowPrivilegeEscalation not false")
        caps = sc.get("capabilities", {})
        if "ALL" not in caps.get("drop", []) or set(caps.get("add", [])) - {"NET_BIND_SERVICE"}:
            found.append(f"{name}: capabilities not dropped")
        if not sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")):
            found.append(f"{name}: may run as root")
        if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
            found.append(f"{name}: runAsUser 0")
        seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {})).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            found.append(f"{name}: seccomp {seccomp}")
        if any("hostPort" in p for p in c.get("ports", [])):
            found.append(f"{name}: hostPort")
    return found


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_passes_the_restricted_pod_security_standard(objects, overlay):
    """The namespace enforces `restricted`; every pod template we ship passes it, so no
    rollout is refused by admission."""
    [namespace] = find(objects[overlay], "Namespace")
    labels = namespace["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
    pods = pod_templates(objects[overlay])
    assert {name.split("/")[0] for name, _ in pods} == {"Deployment", "Job", "CronJob"}
    for name, pod in pods:
        assert restricted_violations(pod) == [], name


def test_the_restricted_check_catches_what_admission_would_refuse(objects):
    [(_, pod)] = [p for p in pod_templates(objects["prod"]) if p[0] == "Deployment/luutru-ingest"]
    assert restricted_violations(pod) == []
    for break_it, expected in (
        (lambda p: p.update(hostNetwork=True), "host namespace hostNetwork"),
        (lambda p: p["volumes"].append({"name": "h", "hostPath": {"path": "/"}}), "volume h"),
        (lambda p: p["securityContext"].pop("seccompProfile"), "api: seccomp None"),
        (lambda p: p["securityContext"].update(runAsNonRoot=False), "api: may run as root"),
        (
            lambda p: p["containers"][0]["securityContext"]["capabilities"].update(
                add=["SYS_ADMIN"]
            ),
            "api: capabilities not dropped",
        ),
        (
            lambda p: p["containers"][0]["securityContext"].update(allowPrivilegeEscalation=True),
            "api: allowPrivilegeEscalation not false",
        ),
    ):
        broken = json.loads(json.dumps(pod))
        break_it(broken)
        assert expected in restricted_violations(broken)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_long_running_pods_spread_over_nodes_and_zones(objects, overlay):
    """APIs, workers and the console: losing a node or a zone leaves replicas elsewhere."""
    deployments = find(objects[overlay], "Deployment")
    assert len(deployments) == 7  # three APIs, three workers, the console
    for deployment in deployments:
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        spread = {
            t["topologyKey"]: t
            for t in deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        }
        assert set(spread) == {"kubernetes.io/hostname", "topology.kubernetes.io/zone"}
        for rule in spread.values():
            assert rule["maxSkew"] == 1
            # its own pods, not every luutru pod: the selector is the Deployment's own
            assert (
                rule["labelSelector"]["matchLabels"]
                == deployment["spec"]["selector"]["matchLabels"]
            )
            assert rule["labelSelector"]["matchLabels"].items() <= labels.items()
