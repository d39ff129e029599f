"""deploy/k8s: valid against a pinned Kubernetes schema, and shaped the way docs/deployment.md says.

kubernetes-validate (requirements/dev.lock) carries the JSON schemas of each Kubernetes release,
so nothing is fetched and no cluster is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from api.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
K8S = ROOT / "deploy" / "k8s"
# The oldest minor release still supported by the big managed offerings when this was written.
KUBERNETES_VERSION = "1.33.0"
NAMESPACE = "unemployment-assistant"
WORKLOADS = {"api", "rasa", "actions", "worker", "migrate"}
# Names the processes read from the environment, besides the API's Settings (api/settings.py).
BOT_ENV = {
    "rasa": {
        "ACTION_SERVER_URL",
        "ACTION_SERVER_TOKEN",
        "RASA_TOKEN",
        "RASA_REDIS_HOST",
        "RASA_REDIS_PORT",
        "RASA_REDIS_DB",
        "RASA_REDIS_PASSWORD",
        "RASA_REDIS_USE_SSL",
    },
    "actions": {"API_URL", "API_TOKEN", "ACTION_SERVER_TOKEN"},
}
SETTINGS_ENV = {name.upper() for name in Settings.model_fields}


def _documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _manifests(directory: Path = K8S) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(directory.glob("*.yaml")):
        if path.name != "kustomization.yaml":
            for doc in _documents(path):
                yield path, doc


def _all(directory: Path = K8S) -> list[dict[str, Any]]:
    return [doc for _, doc in _manifests(directory)]


def _by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in _all() if d["kind"] == kind}


def _pod_specs() -> dict[str, dict[str, Any]]:
    return {name: d["spec"]["template"]["spec"] for kind in ("Deployment", "Job") for name, d in _by_kind(kind).items()}


def validation_errors(directory: Path) -> list[str]:
    """Every manifest under `directory` against the pinned release's schema (strict: no unknown fields)."""
    errors = []
    for path, doc in _manifests(directory):
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as exc:
            errors.append(f"{path.name} {doc.get('kind')}/{doc.get('metadata', {}).get('name')}: {exc}")
    return errors


def test_every_manifest_is_valid_for_the_pinned_kubernetes_release() -> None:
    assert len(_all()) >= 15
    assert validation_errors(K8S) == []


def test_a_broken_manifest_is_rejected(tmp_path: Path) -> None:
    api = (K8S / "api.yaml").read_text(encoding="utf-8")
    (tmp_path / "api.yaml").write_text(api.replace("containerPort: 8000", "containerPort: eight-thousand"))
    assert any("containerPort" in e for e in validation_errors(tmp_path))
    (tmp_path / "api.yaml").write_text(api.replace("readinessProbe:", "readinessProbes:", 1))  # unknown field
    assert validation_errors(tmp_path)


def test_kustomization_lists_every_manifest_but_the_secret_example_and_the_job() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk - {"secret.example.yaml", "migrate-job.yaml"}
    assert kustomization["namespace"] == NAMESPACE
    assert {d["metadata"].get("namespace") for d in _all() if d["kind"] != "Namespace"} == {NAMESPACE}


def test_the_four_deployments_the_migration_job_and_two_autoscalers() -> None:
    assert set(_by_kind("Deployment")) == {"api", "rasa", "actions", "worker"}
    assert set(_by_kind("Job")) == {"migrate"}
    assert _pod_specs()["migrate"]["containers"][0]["command"] == ["python", "-m", "api", "migrate"]
    assert _pod_specs()["migrate"]["restartPolicy"] == "Never"
    hpas = _by_kind("HorizontalPodAutoscaler")
    assert {h["spec"]["scaleTargetRef"]["name"] for h in hpas.values()} == {"api", "rasa"}
    assert all(h["apiVersion"] == "autoscaling/v2" and h["spec"]["minReplicas"] >= 2 for h in hpas.values())
    # No container migrates on its own: only the Job's command runs `api migrate`.
    for name, spec in _pod_specs().items():
        if name != "migrate":
            assert all("migrate" not in " ".join(c.get("command", [])) for c in spec["containers"])


@pytest.mark.parametrize("workload", sorted(WORKLOADS))
def test_every_container_runs_unprivileged(workload: str) -> None:
    spec = _pod_specs()[workload]
    pod = spec.get("securityContext", {})
    assert spec.get("automountServiceAccountToken") is False
    for container in spec.get("initContainers", []) + spec["containers"]:
        context = {**pod, **container.get("securityContext", {})}
        assert context.get("runAsNonRoot") is True, container["name"]
        assert context.get("runAsUser", 0) != 0
        assert context.get("allowPrivilegeEscalation") is False
        assert context.get("privileged", False) is False
        assert "ALL" in context.get("capabilities", {}).get("drop", [])
        assert context.get("seccompProfile", {}).get("type") == "RuntimeDefault"


@pytest.mark.parametrize("workload", sorted(WORKLOADS))
def test_every_container_has_resources_and_every_long_running_one_probes(workload: str) -> None:
    for container in _pod_specs()[workload]["containers"]:
        resources = container.get("resources", {})
        for part in ("requests", "limits"):
            assert {"cpu", "memory"} <= resources.get(part, {}).keys(), f"{workload}: {part}"
        if workload != "migrate":  # a Job ends: it has nothing to be live or ready for
            assert "readinessProbe" in container and "livenessProbe" in container, workload


def test_probes_use_the_real_health_routes() -> None:
    specs = {name: spec["containers"][0] for name, spec in _pod_specs().items()}
    routes = (ROOT / "api" / "health" / "views.py").read_text()
    assert '"/healthz"' in routes
    assert specs["api"]["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert specs["api"]["readinessProbe"]["httpGet"]["path"] == "/healthz"  # not /readyz: docs/deployment.md
    assert 'OPEN_PATHS = frozenset({"/health"})' in (ROOT / "actions" / "server.py").read_text()
    assert specs["actions"]["readinessProbe"]["httpGet"]["path"] == "/health"
    rasa_ready = " ".join(specs["rasa"]["readinessProbe"]["exec"]["command"])
    assert "/status?token=" in rasa_ready and "os.environ['RASA_TOKEN']" in rasa_ready
    assert specs["rasa"]["livenessProbe"]["httpGet"]["path"] == "/"  # answers without the token
    assert specs["worker"]["livenessProbe"]["exec"]["command"] == ["python", "-m", "api.reminders", "health"]


def _secret_refs() -> Iterator[tuple[str, str, str | None]]:
    """(workload, secret name, key or None for envFrom) of every reference."""
    for name, spec in _pod_specs().items():
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                if "secretRef" in source:
                    yield name, source["secretRef"]["name"], None
            for var in container.get("env", []):
                ref = var.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    yield name, ref["name"], ref["key"]


def test_secrets_are_only_referenced_and_the_example_holds_placeholders() -> None:
    # No Secret among the applied manifests, and no inline value that looks like a token.
    applied = [d for path, d in _manifests() if path.name != "secret.example.yaml"]
    assert [d for d in applied if d["kind"] == "Secret"] == []
    for spec in _pod_specs().values():
        for container in spec["containers"]:
            for var in container.get("env", []):
                assert "valueFrom" in var, f"{var['name']} is set inline; take it from a Secret or ConfigMap"
    examples = {d["metadata"]["name"]: d for d in _documents(K8S / "secret.example.yaml")}
    for secret in examples.values():
        for key, value in secret["stringData"].items():
            assert "CHANGE-ME" in value, key
    refs = list(_secret_refs())
    assert refs
    for _, name, key in refs:
        assert name in examples
        assert key is None or key in examples[name]["stringData"]


def test_rasa_and_actions_are_internal_and_only_the_api_is_exposed() -> None:
    services = _by_kind("Service")
    for name in ("rasa", "actions", "api"):
        assert services[name]["spec"].get("type", "ClusterIP") == "ClusterIP"
    exposed = {n for n, s in services.items() if s["spec"].get("type") in ("LoadBalancer", "NodePort")}
    assert exposed == set()
    backends = {
        path["backend"]["service"]["name"]
        for ingress in _by_kind("Ingress").values()
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    }
    assert backends == {"api"}
    for spec in _pod_specs().values():
        assert not spec.get("hostNetwork") and all(
            "hostPort" not in p for c in spec["containers"] for p in c.get("ports", [])
        )
    policies = {p["spec"]["podSelector"]["matchLabels"]["app"]: p for p in _by_kind("NetworkPolicy").values()}
    allowed = {
        app: {peer["podSelector"]["matchLabels"]["app"] for rule in p["spec"]["ingress"] for peer in rule["from"]}
        for app, p in policies.items()
    }
    assert allowed == {"rasa": {"api"}, "actions": {"rasa", "api"}}


def test_managed_databases_are_external_endpoints() -> None:
    services = _by_kind("Service")
    for name in ("postgres", "redis"):
        assert services[name]["spec"]["type"] == "ExternalName"
    assert not {"postgres", "redis"} & set(_by_kind("Deployment")) and not _by_kind("StatefulSet")


def _env_names(workload: str) -> set[str]:
    configs = _by_kind("ConfigMap")
    secrets = {d["metadata"]["name"]: d for d in _documents(K8S / "secret.example.yaml")}
    names = set()
    for container in _pod_specs()[workload]["containers"]:
        names |= {var["name"] for var in container.get("env", [])}
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                names |= set(configs[source["configMapRef"]["name"]]["data"])
            if "secretRef" in source:
                names |= set(secrets[source["secretRef"]["name"]]["stringData"])
    return names


@pytest.mark.parametrize("workload", sorted(WORKLOADS))
def test_environment_names_are_the_ones_the_code_reads(workload: str) -> None:
    known = BOT_ENV.get(workload, SETTINGS_ENV)
    assert _env_names(workload) - known == set()


def test_the_api_gets_what_production_requires() -> None:
    for workload in ("api", "worker", "migrate"):
        assert {
            "ENVIRONMENT",
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "INTEGRATION_TOKENS",
            "DIALOGUE_TOKENS",
            "RASA_TOKEN",
            "ACTION_SERVER_TOKEN",
            "RASA_URL",
            "ACTION_SERVER_URL",
        } <= _env_names(workload)
    assert BOT_ENV["rasa"] <= _env_names("rasa") and BOT_ENV["actions"] <= _env_names("actions")
    # Rasa's variables are those its configuration expands.
    bot_config = "\n".join(
        line
        for name in ("endpoints.redis.yml", "credentials.yml")
        for line in (ROOT / "bot" / name).read_text().splitlines()
        if not line.lstrip().startswith("#")
    )
    assert set(re.findall(r"\$\{(\w+)\}", bot_config)) == BOT_ENV["rasa"]
    actions_code = "".join(p.read_text() for p in (ROOT / "actions").glob("*.py"))
    assert all(name in actions_code for name in BOT_ENV["actions"])


def test_rasa_reaches_redis_like_the_api_with_a_password_from_a_secret_and_tls_as_redis_url_says() -> None:
    """A Redis with a password and TLS: the API has both in REDIS_URL; Rasa gets the password from a
    Secret (never a ConfigMap) and RASA_REDIS_USE_SSL true exactly when REDIS_URL is rediss://."""
    from urllib.parse import urlsplit

    rasa_env = {v["name"]: v for c in _pod_specs()["rasa"]["containers"] for v in c.get("env", [])}
    assert rasa_env["RASA_REDIS_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == "dialogue-secrets"
    assert all("RASA_REDIS_PASSWORD" not in d.get("data", {}) for d in _by_kind("ConfigMap").values())
    examples = {d["metadata"]["name"]: d["stringData"] for d in _documents(K8S / "secret.example.yaml")}
    redis_url = urlsplit(examples["api-secrets"]["REDIS_URL"])
    assert redis_url.password == examples["dialogue-secrets"]["RASA_REDIS_PASSWORD"]
    use_ssl = _by_kind("ConfigMap")["rasa-config"]["data"]["RASA_REDIS_USE_SSL"]
    assert use_ssl in ("true", "false")  # the image refuses anything else (docker/bot.Dockerfile)
    assert (use_ssl == "true") == (redis_url.scheme == "rediss")
