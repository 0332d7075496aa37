"""deploy/k8s as the API server would take it, and what its NetworkPolicies let through.

Every document is checked against the Kubernetes API's own JSON schemas (``kubernetes-validate``,
bundled, offline; strict: an unknown or misspelt field fails). The policies are then evaluated
for the connections that exist (and some that must not): a small reading of the NetworkPolicy
rules (pod and namespace selectors, ports), enough for the selectors these files use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from pydantic import SecretStr, ValidationError

from services.coach.settings import CoachSettings
from services.ingest.settings import IngestSettings
from services.scorer.settings import ScorerSettings
from shared.settings import ServiceSettings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
# The oldest Kubernetes release still supported upstream when this was written; the manifests use
# nothing newer.
KUBERNETES_VERSION = "1.30.0"
# Not applied by `kubectl apply -k`: copied and filled in by the operator.
TEMPLATES = ("secret.template.yaml", "ingress.example.yaml")
NAMESPACE = "rapport"
INGRESS_CONTROLLER = {"kubernetes.io/metadata.name": "ingress-nginx"}
MONITORING = {"kubernetes.io/metadata.name": "monitoring"}


def documents(name: str) -> list[dict[str, Any]]:
    with (K8S / name).open(encoding="utf-8") as handle:
        return [document for document in yaml.safe_load_all(handle) if document]


def applied_files() -> list[str]:
    resources: list[str] = documents("kustomization.yaml")[0]["resources"]
    return resources


def applied() -> list[dict[str, Any]]:
    return [document for name in applied_files() for document in documents(name)]


def of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in applied() if doc["kind"] == kind}


def test_every_manifest_is_valid_against_the_kubernetes_schemas() -> None:
    files = sorted(path.name for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
    assert set(applied_files()) | set(TEMPLATES) == set(files), "a manifest nobody applies?"
    problems = []
    for name in files:
        for document in documents(name):
            try:
                kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                where = "/".join(str(part) for part in error.absolute_path)
                problems.append(f"{name} {document['kind']}/{document['metadata']['name']} "
                                f"at {where or '.'}: {error.message}")
    assert not problems, "\n".join(problems)
    kinds = {document["kind"] for document in applied()}
    assert {"Namespace", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
            "NetworkPolicy"} <= kinds


# --- the Secret template holds what production needs -------------------------------------------


def _environment(secret_values: dict[str, str]) -> dict[str, str]:
    config: dict[str, str] = of_kind("ConfigMap")["rapport-config"]["data"]
    return {**config, **secret_values}


def _build(settings_class: type[ServiceSettings], env: dict[str, str],
           monkeypatch: pytest.MonkeyPatch) -> ServiceSettings:
    """The settings a pod with ``envFrom`` ConfigMap and Secret gets, and nothing else."""
    with monkeypatch.context() as patch:
        for name in [name for name in os.environ if name.startswith("RAPPORT_")]:
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        return settings_class()


SETTINGS = (IngestSettings, ScorerSettings, CoachSettings)


@pytest.mark.parametrize("settings_class", SETTINGS, ids=lambda cls: cls.__name__)
def test_the_secret_template_carries_every_secret_a_production_pod_needs(
        settings_class: type[ServiceSettings], monkeypatch: pytest.MonkeyPatch) -> None:
    (secret,) = documents("secret.template.yaml")
    template: dict[str, str] = secret["stringData"]
    assert "RAPPORT_SCORER_API_TOKEN" in template
    # As shipped (placeholders) the pod refuses to start ...
    with pytest.raises(ValidationError, match="placeholder secret|is required"):
        _build(settings_class, _environment(template), monkeypatch)
    # ... without the scorer's token too ...
    without_token = {key: f"{key.lower()}-real-value-0123456789" for key in template
                     if key != "RAPPORT_SCORER_API_TOKEN"}
    if settings_class is ScorerSettings:
        with pytest.raises(ValidationError, match="api_token is required"):
            _build(settings_class, _environment(without_token), monkeypatch)
    if settings_class is CoachSettings:
        coach = _build(settings_class, _environment(without_token), monkeypatch)
        assert isinstance(coach, CoachSettings)
        with pytest.raises(ValueError, match="scorer_token is required"):
            coach.require_serving_secrets()
    # ... and with each placeholder replaced by a real value it starts, in production, with its
    # API token set: nothing it needs is missing from the template.
    filled = {key: f"{key.lower()}-real-value-0123456789" for key in template}
    settings = _build(settings_class, _environment(filled), monkeypatch)
    assert settings.environment == "production"
    tokens = {ScorerSettings: ["api_token"], CoachSettings: ["scorer_token"]}
    for name in tokens.get(settings_class, []):
        value = getattr(settings, name)
        assert isinstance(value, SecretStr)
        assert value.get_secret_value().endswith("0123456789")
    if isinstance(settings, CoachSettings):
        settings.require_serving_secrets()


# --- NetworkPolicy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Peer:
    """Where a connection comes from: a pod's labels and its namespace's labels."""

    pod: dict[str, str] = field(default_factory=dict)
    namespace: dict[str, str] = field(
        default_factory=lambda: {"kubernetes.io/metadata.name": NAMESPACE})


def _selects(selector: dict[str, Any] | None, labels: dict[str, str]) -> bool:
    if selector is None:
        return True
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        present, value = expression["key"] in labels, labels.get(expression["key"])
        operator, values = expression["operator"], expression.get("values", [])
        if not {"In": present and value in values, "NotIn": not (present and value in values),
                "Exists": present, "DoesNotExist": not present}[operator]:
            return False
    return True


def _peer_matches(rule_peer: dict[str, Any], peer: Peer) -> bool:
    assert "ipBlock" not in rule_peer, "extend the evaluator before using ipBlock"
    if "namespaceSelector" not in rule_peer:  # a pod selector alone: this namespace only
        same = peer.namespace.get("kubernetes.io/metadata.name") == NAMESPACE
        return same and _selects(rule_peer.get("podSelector"), peer.pod)
    return (_selects(rule_peer["namespaceSelector"], peer.namespace)
            and _selects(rule_peer.get("podSelector"), peer.pod))


def allowed(source: Peer, target_pod: dict[str, str], port: int) -> bool:
    """Whether the policies admit ``source`` to ``target_pod`` on TCP ``port``."""
    policies = [policy for policy in of_kind("NetworkPolicy").values()
                if "Ingress" in policy["spec"].get("policyTypes", ["Ingress"])
                and _selects(policy["spec"]["podSelector"], target_pod)]
    if not policies:
        return True  # an unselected pod is open: the default deny must select every pod
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            peers_ok = "from" not in rule or any(_peer_matches(p, source) for p in rule["from"])
            ports_ok = "ports" not in rule or any(
                item.get("port") == port and item.get("protocol", "TCP") == "TCP"
                for item in rule["ports"])
            if peers_ok and ports_ok:
                return True
    return False


def pod_labels(service: str) -> dict[str, str]:
    deployment = of_kind("Deployment")[f"rapport-{service}"]
    labels: dict[str, str] = dict(deployment["spec"]["template"]["metadata"]["labels"])
    # kustomization.yaml adds this label to every pod template.
    return labels | {"app.kubernetes.io/part-of": "rapport"}


def container_port(service: str) -> int:
    deployment = of_kind("Deployment")[f"rapport-{service}"]
    port: int = deployment["spec"]["template"]["spec"]["containers"][0]["ports"][0][
        "containerPort"]
    return port


def test_network_policies_admit_only_the_connections_that_exist() -> None:
    ingest, scorer, coach = (pod_labels(name) for name in ("ingest", "scorer", "coach"))
    ports = {name: container_port(name) for name in ("ingest", "scorer", "coach")}
    controller = Peer(pod={"app.kubernetes.io/name": "ingress-nginx"},
                      namespace=INGRESS_CONTROLLER)
    prometheus = Peer(pod={"app.kubernetes.io/name": "prometheus"}, namespace=MONITORING)
    stranger_here = Peer(pod={"app": "debug-shell"})
    stranger_elsewhere = Peer(pod={"app.kubernetes.io/name": "coach"},
                              namespace={"kubernetes.io/metadata.name": "default"})

    # From outside, through the ingress controller: the webhooks and the coach, not the scorer.
    assert allowed(controller, ingest, ports["ingest"])
    assert allowed(controller, coach, ports["coach"])
    assert not allowed(controller, scorer, ports["scorer"])
    # Inside: only the coach calls the scorer; nothing calls ingest or the coach.
    assert allowed(Peer(pod=coach), scorer, ports["scorer"])
    assert not allowed(Peer(pod=ingest), scorer, ports["scorer"])
    assert not allowed(Peer(pod=scorer), coach, ports["coach"])
    # Prometheus scrapes every service on its metrics port (the pod's scrape annotation).
    for name, labels in (("ingest", ingest), ("scorer", scorer), ("coach", coach)):
        annotations = of_kind("Deployment")[f"rapport-{name}"]["spec"]["template"]["metadata"][
            "annotations"]
        assert allowed(prometheus, labels, int(annotations["prometheus.io/port"]))
    # Everything else is denied, including a pod that copies a Rapport label from elsewhere.
    for labels, port in ((ingest, ports["ingest"]), (scorer, ports["scorer"]),
                         (coach, ports["coach"])):
        assert not allowed(stranger_here, labels, port)
        assert not allowed(stranger_elsewhere, labels, port)
        assert not allowed(controller, labels, 9999)
    # The default deny selects every pod, so a new Deployment starts closed.
    assert not allowed(controller, {"app.kubernetes.io/name": "something-new"}, 8080)


def test_the_example_ingress_routes_only_public_paths_to_existing_services() -> None:
    (ingress,) = documents("ingress.example.yaml")
    services = of_kind("Service")
    routed: dict[str, set[str]] = {}
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            service = services[backend["name"]]
            assert backend["port"]["name"] in {port["name"] for port in service["spec"]["ports"]}
            routed.setdefault(backend["name"], set()).add(path["path"])
    assert set(routed) == {"rapport-ingest", "rapport-coach"}
    assert routed["rapport-ingest"] == {"/webhooks/"}
    # A Prefix path routes everything below it: none may reach the admin API or the ops routes.
    private = ("/v1/admin/assign", "/v1/admin/summary", "/metrics", "/readyz", "/healthz")
    for path in routed["rapport-coach"] | routed["rapport-ingest"]:
        assert not [route for route in private if route.startswith(path)], path
