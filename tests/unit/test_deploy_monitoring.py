"""deploy/k8s monitoring: the monitors scrape ports that exist, and every luutru metric the
alerts and the Grafana dashboard use is one the code exports (a renamed metric would
otherwise leave an alert silently never firing)."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from prometheus_client import REGISTRY

# Imported for their side effect: they register the metrics the rules and dashboard read.
import luutru_common.consumer
import luutru_common.health
import luutru_common.outbox  # noqa: F401
import luutru_ingest.upload_worker  # noqa: F401
from tests.unit.test_deploy_k8s import K8S, container, find, one, render

MONITORING = K8S / "base" / "monitoring"
SUFFIXES = ("", "_total", "_count", "_sum", "_bucket", "_created")


@pytest.fixture(scope="module")
def prod() -> list[dict]:
    return [d for d in yaml.safe_load_all(render("prod")) if d]


def exported_names() -> set[str]:
    names = set()
    for metric in REGISTRY.collect():
        names.update(metric.name + suffix for suffix in SUFFIXES)
    return names


def expressions() -> list[str]:
    rules = yaml.safe_load((MONITORING / "rules.yaml").read_text())
    exprs = [r["expr"] for g in rules["spec"]["groups"] for r in g["rules"]]
    dashboard = json.loads((MONITORING / "luutru-dashboard.json").read_text())
    exprs += [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    return exprs


def test_every_luutru_metric_in_rules_and_dashboard_is_exported():
    used = {m for e in expressions() for m in re.findall(r"\bluutru_[a-z_]+", e)}
    assert used, "no luutru metric found in the rules"
    assert used <= exported_names(), sorted(used - exported_names())


def test_the_alerts_cover_what_an_operator_must_act_on():
    rules = yaml.safe_load((MONITORING / "rules.yaml").read_text())
    alerts = {r["alert"]: r["expr"] for g in rules["spec"]["groups"] for r in g["rules"]}
    assert "luutru_outbox_oldest_unpublished_seconds" in alerts["LuutruOutboxStuck"]
    assert "> 60" in alerts["LuutruOutboxStuck"]
    assert "deriv(" in alerts["LuutruConsumerLagRising"]
    assert "luutru_events_dead_lettered_total" in alerts["LuutruDeadLetters"]
    assert 'status=~"5.."' in alerts["LuutruHighErrorRate"]
    assert "hour()" in alerts["LuutruCheckInsSilentBeforeDeadline"]


def test_monitors_scrape_ports_the_pods_have(prod):
    workers = one(prod, "PodMonitor", "luutru-workers")
    selector = workers["spec"]["selector"]["matchLabels"]
    selected = [
        d
        for d in find(prod, "Deployment")
        if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert len(selected) == 3
    for deployment in selected:
        ports = {p["name"] for p in container(deployment)["ports"]}
        assert workers["spec"]["podMetricsEndpoints"][0]["port"] in ports
    console = one(prod, "PodMonitor", "luutru-console")
    web = one(prod, "Deployment", "luutru-console")
    assert console["spec"]["selector"]["matchLabels"].items() <= (
        web["spec"]["template"]["metadata"]["labels"].items()
    )
    assert console["spec"]["podMetricsEndpoints"][0]["port"] in {
        p["name"] for p in container(web)["ports"]
    }
    apis = one(prod, "ServiceMonitor", "luutru-apis")
    wanted = set(apis["spec"]["selector"]["matchExpressions"][0]["values"])
    services = [
        s
        for s in find(prod, "Service")
        if s["metadata"]["labels"].get("app.kubernetes.io/name") in wanted
    ]
    assert len(services) == 3
    for service in services:
        assert apis["spec"]["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}
    dashboard = one(prod, "ConfigMap", "luutru-grafana-dashboard")
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(dashboard["data"]["luutru-dashboard.json"])["uid"] == "luutru-overview"
    kafka = one(prod, "Kafka", "luutru")
    assert "kafkaExporter" in kafka["spec"]
