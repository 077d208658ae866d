#!/usr/bin/env bash
# Real PostgreSQL and Apache Kafka for development and tests, without Docker.
#
#   infra/local.sh up|down|status|pg-start|pg-stop|kafka-start|kafka-stop|topics|reset
#
#   up           provision what is missing, start both, create the topics in infra/topics.txt
#   down         stop both (postgres: fast shutdown; kafka: SIGTERM, wait for exit)
#   status       one line per service; exits non-zero unless both are up
#   pg-start / pg-stop / kafka-start / kafka-stop   one service only
#   topics       list the topics and create those of infra/topics.txt that are missing
#   reset        stop both and delete their data under .local/ (downloaded jars are kept)
#
# Everything lives under the git-ignored .local/ at the repo root:
#   .local/pg/{data,run,log}            own cluster, started as the `postgres` OS user when root
#   .local/kafka/{libs,data,logs}       KRaft single node (broker+controller), jars from infra/kafka/pom.xml
#   .local/kafka/tls/                   the local CA (ca.pem) and the broker's key and certificate
#
# Environment overrides (defaults in brackets):
#   LUUTRU_LOCAL_DIR [<repo>/.local]    LUUTRU_TOPICS_FILE [<repo>/infra/topics.txt]
#   LUUTRU_PG_HOST [127.0.0.1]          LUUTRU_PG_PORT [55432]
#   LUUTRU_PG_BIN [newest /usr/lib/postgresql/*/bin]
#   LUUTRU_KAFKA_HOST [127.0.0.1]       LUUTRU_KAFKA_PORT [59092]   LUUTRU_KAFKA_CONTROLLER_PORT [59093]
#   LUUTRU_KAFKA_HEAP_OPTS [-Xms256m -Xmx768m]
#   LUUTRU_PG_START_TIMEOUT [60]        LUUTRU_KAFKA_START_TIMEOUT [120]   (seconds)
#
# Connection settings once up:
#   postgresql://luutru:luutru@127.0.0.1:55432/luutru   (and /luutru_test): the admin role
#   luutru_<svc>_owner / luutru_<svc>, password = name: each service's owner (migrate) and
#   runtime role, from infra/db-roles.sql
#   Kafka bootstrap servers 127.0.0.1:59092, SASL_SSL only: TLS with the CA .local/kafka/tls/ca.pem,
#   SCRAM-SHA-512 users luutru-admin (super user: infra, tests), luutru-accounts,
#   luutru-ingest, luutru-analytics, password = name; their ACLs are infra/kafka-acls.txt
set -euo pipefail
umask 022

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="$(realpath -m "${LUUTRU_LOCAL_DIR:-$ROOT/.local}")"  # absolute: pids are matched by it
TOPICS_FILE="${LUUTRU_TOPICS_FILE:-$ROOT/infra/topics.txt}"
KAFKA_POM="$ROOT/infra/kafka/pom.xml"

PG_HOST="${LUUTRU_PG_HOST:-127.0.0.1}"
PG_PORT="${LUUTRU_PG_PORT:-55432}"
PG_START_TIMEOUT="${LUUTRU_PG_START_TIMEOUT:-60}"
PG_DIR="$LOCAL_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_LOGDIR="$PG_DIR/log"
PG_LOG="$PG_LOGDIR/postgres.log"
PG_SUPERUSER=postgres
APP_ROLE=luutru
APP_PASSWORD=luutru
APP_DATABASES=(luutru luutru_test)

KAFKA_HOST="${LUUTRU_KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${LUUTRU_KAFKA_PORT:-59092}"
KAFKA_CONTROLLER_PORT="${LUUTRU_KAFKA_CONTROLLER_PORT:-59093}"
KAFKA_HEAP_OPTS="${LUUTRU_KAFKA_HEAP_OPTS:--Xms256m -Xmx768m}"
KAFKA_START_TIMEOUT="${LUUTRU_KAFKA_START_TIMEOUT:-120}"
KAFKA_DIR="$LOCAL_DIR/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_LIBS_MARKER="$KAFKA_LIBS/.luutru-libs"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_CONF="$KAFKA_DIR/server.properties"
KAFKA_LOG4J="$KAFKA_DIR/log4j.properties"
KAFKA_TOOLS_LOG4J="$KAFKA_DIR/tools-log4j.properties"
KAFKA_LOG4J2="$KAFKA_DIR/log4j2.properties"
KAFKA_PID="$KAFKA_DIR/kafka.pid"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster.id"
KAFKA_BOOTSTRAP="$KAFKA_HOST:$KAFKA_PORT"
KAFKA_TLS="$KAFKA_DIR/tls"
KAFKA_CA="$KAFKA_TLS/ca.pem"
KAFKA_ACLS_FILE="$ROOT/infra/kafka-acls.txt"
# The SCRAM users; local passwords are the names (production refuses them: settings.py).
KAFKA_ADMIN_USER=luutru-admin
KAFKA_USERS=(luutru-admin luutru-accounts luutru-ingest luutru-analytics)
# Written into the data directory once its users exist: a data directory without it was
# made by a plaintext broker (before Kafka was secured) and is formatted again.
KAFKA_SECURED_MARKER="$KAFKA_DATA/.luutru-secured"
KAFKA_ACLS_MARKER="$KAFKA_DATA/.luutru-acls"
# The topics file whose topics all exist on this data directory: a warm `up` then needs no
# topic-listing JVM (half a minute of a loaded machine, most of a warm scripts/run). Nothing
# here deletes a topic; `infra/local.sh topics` lists and checks them all the same.
KAFKA_TOPICS_MARKER="$KAFKA_DATA/.luutru-topics"

IS_ROOT=0
[[ "$(id -u)" == 0 ]] && IS_ROOT=1

log() { echo "[infra] $*"; }
die() { echo "[infra] ERROR: $*" >&2; exit 1; }
# die_with_log FILE MESSAGE: print the tail of a log file, then fail.
die_with_log() {
  local file="$1"; shift
  echo "[infra] ERROR: $*" >&2
  if [[ -f "$file" ]]; then
    echo "[infra] ---- last 40 lines of $file ----" >&2
    tail -n 40 "$file" >&2 || true
    echo "[infra] ----" >&2
  fi
  exit 1
}

# True when something accepts TCP connections on host:port.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# True when process PID owns a listening TCP socket on PORT (any address).
pid_listens_on() {
  local pid="$1" port inodes inode
  port="$(printf ':%04X' "$2")"
  inodes="$(awk -v p="$port" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null)"
  for inode in $inodes; do
    if find "/proc/$pid/fd" -maxdepth 1 -lname "socket:\[$inode\]" 2>/dev/null | grep -q .; then
      return 0
    fi
  done
  return 1
}

apt_install() {
  [[ "$IS_ROOT" == 1 ]] || die "need root to install: $* (or install it yourself)"
  command -v apt-get >/dev/null || die "apt-get not found; install $* yourself"
  log "installing $* via apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

with_lock() {
  mkdir -p "$LOCAL_DIR"
  exec 9>"$LOCAL_DIR/infra.lock"
  flock -w 600 9 || die "another infra/local.sh holds $LOCAL_DIR/infra.lock for 10 minutes"
}

# For daemons: close every inherited descriptor above stderr (our lock, callers' pipes),
# so a server never holds the lock or keeps a caller's pipe open.
close_extra_fds() {
  local fd n
  for fd in "/proc/$BASHPID/fd/"*; do
    n="${fd##*/}"
    if [[ "$n" =~ ^[0-9]+$ ]] && ((n > 2)); then
      eval "exec $n>&-" 2>/dev/null || true
    fi
  done
}

# ---------------------------------------------------------------- PostgreSQL

PG_BIN="${LUUTRU_PG_BIN:-}"

find_pg_bin() {
  [[ -n "$PG_BIN" ]] && return 0
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/initdb" ]] && PG_BIN="$d"
  [[ -n "$PG_BIN" ]]
}

ensure_pg_binaries() {
  if ! find_pg_bin; then
    apt_install postgresql
    find_pg_bin || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin after install"
  fi
  [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "no initdb/pg_ctl in $PG_BIN"
}

# Run a PostgreSQL server binary as the postgres OS user (initdb and postgres refuse root).
pg_run() {
  if [[ "$IS_ROOT" == 1 ]]; then
    runuser -u "$PG_SUPERUSER" -- "$@"
  else
    "$@"
  fi
}

ensure_pg_os_user() {
  [[ "$IS_ROOT" == 1 ]] || return 0
  if ! id -u "$PG_SUPERUSER" >/dev/null 2>&1; then
    log "creating OS user $PG_SUPERUSER"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_SUPERUSER"
  fi
}

# The postgres OS user must be able to reach .local/pg: add o+x to parents that block it.
ensure_pg_traversable() {
  [[ "$IS_ROOT" == 1 ]] || return 0
  runuser -u "$PG_SUPERUSER" -- test -x "$PG_DIR" 2>/dev/null && return 0
  # Walk down from / and open the first blocking directory each time.
  local d="$PG_DIR" i
  local -a chain=()
  while [[ "$d" != "/" ]]; do
    d="$(dirname "$d")"
    chain+=("$d")
  done
  for ((i = ${#chain[@]} - 1; i >= 0; i--)); do
    d="${chain[$i]}"
    if ! runuser -u "$PG_SUPERUSER" -- test -x "$d" 2>/dev/null; then
      log "chmod o+x $d (so user $PG_SUPERUSER can reach $PG_DIR)"
      chmod o+x "$d"
    fi
  done
  runuser -u "$PG_SUPERUSER" -- test -x "$PG_DIR" || die "user $PG_SUPERUSER cannot reach $PG_DIR"
}

pg_write_conf() {
  local tmp="$PG_DATA/luutru.conf.tmp"
  cat >"$tmp" <<EOF
# Written by infra/local.sh on every start; edit the script, not this file.
listen_addresses = '$PG_HOST'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 200
shared_buffers = 256MB
effective_cache_size = 1GB
work_mem = 8MB
maintenance_work_mem = 64MB
fsync = on
max_wal_size = 1GB
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
# No personal data in the server log: no statement parameters, no error DETAIL (row values).
log_parameter_max_length = 0
log_parameter_max_length_on_error = 0
log_error_verbosity = terse
EOF
  [[ "$IS_ROOT" == 1 ]] && chown "$PG_SUPERUSER:" "$tmp"
  mv -f "$tmp" "$PG_DATA/luutru.conf"
}

pg_provision() {
  ensure_pg_binaries
  ensure_pg_os_user
  mkdir -p "$PG_DIR" "$PG_RUN" "$PG_LOGDIR"
  if [[ "$IS_ROOT" == 1 ]]; then
    chown "$PG_SUPERUSER:" "$PG_DIR" "$PG_RUN" "$PG_LOGDIR"
    ensure_pg_traversable
  fi
  if [[ -f "$PG_DATA/PG_VERSION" ]]; then
    local have want
    have="$(cat "$PG_DATA/PG_VERSION")"
    want="$(basename "$(dirname "$PG_BIN")")"
    [[ "$have" == "$want" ]] || die "$PG_DATA is a PostgreSQL $have cluster but binaries are $want; run 'infra/local.sh reset' or set LUUTRU_PG_BIN"
    return 0
  fi
  # Nothing there, or a half-made cluster from an interrupted initdb.
  rm -rf "$PG_DATA"
  log "postgres: initdb $PG_DATA ($PG_BIN)"
  if ! pg_run "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_SUPERUSER" --auth=trust \
      --encoding=UTF8 --locale=C.UTF-8 >"$PG_LOGDIR/initdb.log" 2>&1; then
    rm -rf "$PG_DATA"
    die_with_log "$PG_LOGDIR/initdb.log" "initdb failed"
  fi
  echo "include_if_exists = 'luutru.conf'" >>"$PG_DATA/postgresql.conf"
}

pg_running() {
  [[ -f "$PG_DATA/PG_VERSION" ]] || return 1
  find_pg_bin || return 1
  pg_clear_stale_pid
  pg_run "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

# Is PID a live postmaster of our data directory? A postmaster killed with -9 can stay a
# zombie (a container's init may never reap it): kill -0 still succeeds on it, so pg_ctl
# and postgres itself would take it for a running server. Its /proc cmdline is then empty.
pg_is_our_postmaster() {
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *postgres*" -D $PG_DATA "* || "$cmd" == *postgres*" -D $PG_DATA" ]]
}

# After a crash (kill -9, power loss) postmaster.pid and the socket's lock file outlive the
# server; remove them when the pid they name is not our live postmaster, so `up` starts the
# server instead of waiting for one that is gone.
pg_clear_stale_pid() {
  local lock pid
  for lock in "$PG_DATA/postmaster.pid" "$PG_RUN/.s.PGSQL.$PG_PORT.lock"; do
    [[ -f "$lock" ]] || continue
    pid="$(head -n 1 "$lock" 2>/dev/null || true)"
    pg_is_our_postmaster "$pid" && continue
    log "postgres: removing stale ${lock##*/} (pid ${pid:-?} is gone; the server crashed)"
    rm -f "$lock"
    [[ "$lock" == *.lock ]] && rm -f "${lock%.lock}"
  done
  return 0
}

# Start the server; after a crash its orphaned children may hold the old shared memory for
# a moment ("pre-existing shared memory block ... is still in use"), so retry while they exit.
pg_ctl_start() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if (close_extra_fds; pg_run "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_START_TIMEOUT" start \
        </dev/null >/dev/null 2>&1); then
      return 0
    fi
    tail -n 5 "$PG_LOG" 2>/dev/null | grep -q 'pre-existing shared memory block' || return 1
    log "postgres: the crashed server's processes still hold its memory; retrying ($attempt)"
    sleep 1
  done
  return 1
}

pg_ready() {
  "$PG_BIN/pg_isready" -q -h "$PG_HOST" -p "$PG_PORT" -d postgres -U "$PG_SUPERUSER" >/dev/null 2>&1
}

pg_wait_ready() {
  local deadline=$((SECONDS + PG_START_TIMEOUT))
  until pg_ready; do
    ((SECONDS < deadline)) || die_with_log "$PG_LOG" "postgres not ready on $PG_HOST:$PG_PORT after ${PG_START_TIMEOUT}s"
    sleep 0.2
  done
}

# Role and databases; idempotent and cheap, so it runs on every start.
pg_bootstrap() {
  local sql db
  sql="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  END IF;
END \$\$;"
  for db in "${APP_DATABASES[@]}"; do
    sql+="
SELECT 'CREATE DATABASE $db OWNER $APP_ROLE' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db')\\gexec"
  done
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_RUN" -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres \
    >/dev/null <<<"$sql" || die "creating role/databases failed"
  # The service roles (an owner and a runtime role per schema) and their rights on each database.
  for db in "${APP_DATABASES[@]}"; do
    "$PG_BIN/psql" -X -q -h "$PG_RUN" -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$db" \
      -v database="$db" -v admin="$APP_ROLE" -f "$ROOT/infra/db-roles.sql" >/dev/null \
      || die "creating the service roles (infra/db-roles.sql) in $db failed"
  done
}

pg_start() {
  pg_provision
  if pg_running; then
    pg_ready || pg_wait_ready
    log "postgres: already running on $PG_HOST:$PG_PORT"
  else
    if port_open "$PG_HOST" "$PG_PORT"; then
      die "port $PG_HOST:$PG_PORT is taken by another process; stop it or set LUUTRU_PG_PORT"
    fi
    pg_write_conf
    [[ "$IS_ROOT" == 1 ]] && chown "$PG_SUPERUSER:" "$PG_RUN" "$PG_LOGDIR"
    log "postgres: starting on $PG_HOST:$PG_PORT"
    pg_ctl_start || die_with_log "$PG_LOG" "postgres failed to start"
    pg_wait_ready
  fi
  pg_bootstrap
  log "postgres: ready  postgresql://$APP_ROLE:$APP_PASSWORD@$PG_HOST:$PG_PORT/${APP_DATABASES[0]}"
}

pg_stop() {
  if pg_running; then
    log "postgres: stopping"
    pg_run "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null 2>&1 \
      || die_with_log "$PG_LOG" "postgres did not stop"
    log "postgres: stopped"
  else
    log "postgres: not running"
  fi
}

pg_status() {
  if pg_running && find_pg_bin && pg_ready; then
    log "postgres: up    $PG_HOST:$PG_PORT  data=$PG_DATA"
    return 0
  fi
  if pg_running; then
    log "postgres: DOWN  (process running but not accepting connections on $PG_HOST:$PG_PORT)"
  else
    log "postgres: DOWN"
  fi
  return 1
}

# --------------------------------------------------------------------- Kafka

ensure_java() {
  if ! command -v java >/dev/null; then
    apt_install openjdk-17-jre-headless maven
  fi
  local v
  v="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  v="${v%%.*}"
  [[ "$v" =~ ^[0-9]+$ && "$v" -ge 17 ]] || die "Kafka 4 needs Java 17+, found '$(java -version 2>&1 | head -n 1)'"
}

ensure_mvn() {
  command -v mvn >/dev/null || apt_install maven
}

kafka_libs_fingerprint() {
  sha256sum "$KAFKA_POM" | cut -d' ' -f1
}

# Copy the broker jars from the local Maven repo (downloading them once) into .local/kafka/libs.
kafka_ensure_libs() {
  local want
  want="$(kafka_libs_fingerprint)"
  if [[ -f "$KAFKA_LIBS_MARKER" && "$(cat "$KAFKA_LIBS_MARKER")" == "$want" ]]; then
    return 0
  fi
  ensure_mvn
  local version tmp="$KAFKA_DIR/libs.tmp"
  version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM" | head -n 1)"
  log "kafka: fetching Kafka $version jars (mvn dependency:copy-dependencies)"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$tmp" >"$KAFKA_DIR/mvn.log" 2>&1; then
    rm -rf "$tmp"
    die_with_log "$KAFKA_DIR/mvn.log" "mvn could not fetch the Kafka jars"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "no kafka_2.13 jar in $tmp"
  echo "$want" >"$tmp/.luutru-libs"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
}

kafka_write_config() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  cat >"$KAFKA_CONF.tmp" <<EOF
# Written by infra/local.sh on every start; edit the script, not this file.
# Single node, KRaft combined mode (broker + controller), static quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=SASL_SSL://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://$KAFKA_HOST:$KAFKA_PORT
inter.broker.listener.name=SASL_SSL
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
log.dirs=$KAFKA_DATA

# Secured: clients speak TLS and log in with SCRAM-SHA-512 (no plaintext listener at all);
# the controller listener takes only the broker's own certificate (mutual TLS).
ssl.keystore.type=PEM
ssl.keystore.location=$KAFKA_TLS/broker-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_CA
listener.name.controller.ssl.client.auth=required
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$KAFKA_ADMIN_USER";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$KAFKA_ADMIN_USER;User:CN=luutru-kafka-broker

auto.create.topics.enable=false
delete.topic.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0

num.network.threads=3
num.io.threads=4
log.retention.hours=168
log.segment.bytes=134217728
EOF
  mv -f "$KAFKA_CONF.tmp" "$KAFKA_CONF"

  cat >"$KAFKA_LOG4J" <<EOF
# reload4j (log4j 1.2 API) config for the broker, used through slf4j-reload4j.
log4j.rootLogger=INFO, server
log4j.appender.server=org.apache.log4j.RollingFileAppender
log4j.appender.server.File=$KAFKA_LOGS/server.log
log4j.appender.server.MaxFileSize=20MB
log4j.appender.server.MaxBackupIndex=3
log4j.appender.server.layout=org.apache.log4j.PatternLayout
log4j.appender.server.layout.ConversionPattern=[%d] %p %m (%c)%n

log4j.appender.stateChange=org.apache.log4j.RollingFileAppender
log4j.appender.stateChange.File=$KAFKA_LOGS/state-change.log
log4j.appender.stateChange.MaxFileSize=10MB
log4j.appender.stateChange.MaxBackupIndex=2
log4j.appender.stateChange.layout=org.apache.log4j.PatternLayout
log4j.appender.stateChange.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=INFO, stateChange
log4j.additivity.state.change.logger=false

log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.raft=INFO
log4j.logger.org.apache.kafka.controller=INFO
EOF

  # Kafka 4 also loads log4j-core (for its dynamic log-level API). Logging itself goes
  # through slf4j-reload4j above; this only keeps log4j2 from complaining about no config.
  cat >"$KAFKA_LOG4J2" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
EOF
}

# Config files of the short-lived command-line tools; rewritten whenever they run.
kafka_write_tool_config() {
  mkdir -p "$KAFKA_DIR" "$KAFKA_LOGS"
  cat >"$KAFKA_DIR/admin.properties" <<EOF
# Admin client settings for the command-line tools run by infra/local.sh: the admin user.
request.timeout.ms=10000
default.api.timeout.ms=30000
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$KAFKA_ADMIN_USER" password="$KAFKA_ADMIN_USER";
ssl.truststore.type=PEM
ssl.truststore.location=$KAFKA_CA
EOF

  cat >"$KAFKA_TOOLS_LOG4J" <<'EOF'
# reload4j config for the command-line tools: warnings only, to stderr.
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# Run a Kafka command-line class in a short-lived JVM tuned for fast start-up.
kafka_tool() {
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto \
    -Dlog4j.configuration="file:$KAFKA_TOOLS_LOG4J" \
    -cp "$KAFKA_LIBS/*" "$@"
}

# A local CA and the broker's certificate (for 127.0.0.1, localhost and LUUTRU_KAFKA_HOST),
# made once; clients trust ca.pem. Remade when the host is not in the certificate.
kafka_ensure_tls() {
  local keystore="$KAFKA_TLS/broker-keystore.pem" san
  san="DNS:localhost,IP:127.0.0.1"
  if [[ "$KAFKA_HOST" =~ ^[0-9.]+$ ]]; then
    [[ "$KAFKA_HOST" != 127.0.0.1 ]] && san+=",IP:$KAFKA_HOST"
  elif [[ "$KAFKA_HOST" != localhost ]]; then
    san+=",DNS:$KAFKA_HOST"
  fi
  if [[ -s "$keystore" && -s "$KAFKA_CA" && "$(cat "$KAFKA_TLS/san" 2>/dev/null)" == "$san" ]]; then
    return 0
  fi
  command -v openssl >/dev/null || apt_install openssl
  log "kafka: making a local CA and the broker certificate ($san) in $KAFKA_TLS"
  local tmp="$KAFKA_TLS.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  (
    cd "$tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=luutru local CA" \
      -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=luutru-kafka-broker" \
      -keyout broker.key -out broker.csr
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$san" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 \
      -days 3650 -extfile broker.ext -out broker.pem
    # Kafka's PEM keystore: the unencrypted PKCS#8 key, then the certificate chain.
    openssl pkcs8 -topk8 -nocrypt -in broker.key -out broker-keystore.pem
    cat broker.pem ca.pem >>broker-keystore.pem
    rm -f broker.csr broker.ext ca.srl
    chmod 600 ca.key broker.key broker-keystore.pem
    echo "$san" >san
  ) >"$KAFKA_DIR/tls.log" 2>&1 || die_with_log "$KAFKA_DIR/tls.log" "making the Kafka certificates failed"
  rm -rf "$KAFKA_TLS"
  mv "$tmp" "$KAFKA_TLS"
}

# A data directory made before Kafka was secured has no SCRAM users, so the broker could
# not log in to itself: format it again (its topics are recreated; their old events are
# dropped, the services' databases keep what they projected).
kafka_reformat_if_plaintext() {
  [[ -f "$KAFKA_DATA/meta.properties" && ! -f "$KAFKA_SECURED_MARKER" ]] || return 0
  log "kafka: $KAFKA_DATA was made by a plaintext broker; formatting it again, secured (old events are dropped)"
  rm -rf "$KAFKA_DATA"
  mkdir -p "$KAFKA_DATA"
}

kafka_format() {
  kafka_reformat_if_plaintext
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  if [[ ! -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    # What `StorageTool random-uuid` prints (a random UUID in URL-safe base64, never starting
    # with '-'), without starting a JVM for it.
    python3 -c 'import base64, uuid
while (i := base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")).startswith("-"): pass
print(i)' >"$KAFKA_CLUSTER_ID_FILE.tmp"
    [[ -s "$KAFKA_CLUSTER_ID_FILE.tmp" ]] || die "could not make a Kafka cluster id"
    mv -f "$KAFKA_CLUSTER_ID_FILE.tmp" "$KAFKA_CLUSTER_ID_FILE"
  fi
  local cid
  cid="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  log "kafka: formatting $KAFKA_DATA (cluster id $cid)"
  # The SCRAM users go into the metadata log with the format (KRaft's bootstrap records).
  local user
  local -a scram=()
  for user in "${KAFKA_USERS[@]}"; do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$user]")
  done
  kafka_tool kafka.tools.StorageTool format --ignore-formatted -t "$cid" -c "$KAFKA_CONF" \
    "${scram[@]}" >"$KAFKA_LOGS/format.log" 2>&1 || die_with_log "$KAFKA_LOGS/format.log" "kafka storage format failed"
  printf '%s\n' "${KAFKA_USERS[@]}" >"$KAFKA_SECURED_MARKER"
}

# infra/kafka_admin.py with the admin user: one process and one request for all the topics,
# or all the ACLs, where Kafka's tools take a JVM for each (27 of them, 37 s on a quiet
# machine, up to three minutes on a loaded one). Its Python is the project's (uv.lock: aiokafka).
kafka_admin() {
  local python="$ROOT/.venv/bin/python"
  if [[ ! -x "$python" ]]; then
    command -v uv >/dev/null || die "no $python and no uv: run scripts/bootstrap.sh first"
    (cd "$ROOT" && uv sync --frozen --quiet) || die "uv sync failed in $ROOT"
  fi
  timeout 120 "$python" "$ROOT/infra/kafka_admin.py" --bootstrap "$KAFKA_BOOTSTRAP" \
    --ca "$KAFKA_CA" --user "$KAFKA_ADMIN_USER" "$@"
}

# The ACLs of infra/kafka-acls.txt, applied when the file changed since the last time: those
# of the previously applied copy that it no longer has are revoked, so a line taken out is.
kafka_acls() {
  [[ -f "$KAFKA_ACLS_FILE" ]] || die "no ACL file $KAFKA_ACLS_FILE"
  cmp -s "$KAFKA_ACLS_FILE" "$KAFKA_ACLS_MARKER" && return 0
  log "kafka: applying the ACLs of ${KAFKA_ACLS_FILE#"$ROOT"/}"
  local -a revoke=()
  [[ -f "$KAFKA_ACLS_MARKER" ]] && revoke=(--revoke "$KAFKA_ACLS_MARKER")
  kafka_admin acls "$KAFKA_ACLS_FILE" "${revoke[@]}" >"$KAFKA_LOGS/acls.log" 2>&1 \
    || die_with_log "$KAFKA_LOGS/acls.log" "applying the ACLs of $KAFKA_ACLS_FILE failed"
  cp "$KAFKA_ACLS_FILE" "$KAFKA_ACLS_MARKER"
}

# Is PID our broker (a live java running kafka.Kafka with our server.properties)?
kafka_is_our_pid() {
  local pid="$1" cmd
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"kafka.Kafka $KAFKA_CONF"* ]]
}

# Print the broker's pid if it runs; fixes a stale or missing pid file on the way.
kafka_pid() {
  local pid=""
  [[ -f "$KAFKA_PID" ]] && pid="$(cat "$KAFKA_PID" 2>/dev/null || true)"
  if kafka_is_our_pid "$pid"; then
    echo "$pid"
    return 0
  fi
  # Pid file missing or stale: look for our broker by its exact config path.
  local p
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    if kafka_is_our_pid "$p"; then
      echo "$p" >"$KAFKA_PID"
      echo "$p"
      return 0
    fi
  done
  [[ -f "$KAFKA_PID" ]] && rm -f "$KAFKA_PID"
  return 1
}

# Does the broker answer an admin request (metadata, as the admin user)?
kafka_answers() {
  kafka_admin list >/dev/null
}

kafka_wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  # Wait until *this* broker listens (not some other process on the same port).
  until pid_listens_on "$pid" "$KAFKA_PORT" && port_open "$KAFKA_HOST" "$KAFKA_PORT"; do
    kill -0 "$pid" 2>/dev/null || die_with_log "$KAFKA_LOGS/server.log" "kafka exited during start-up (see also $KAFKA_LOGS/kafka.out)"
    ((SECONDS < deadline)) || die_with_log "$KAFKA_LOGS/server.log" "kafka not listening on $KAFKA_BOOTSTRAP after ${KAFKA_START_TIMEOUT}s"
    sleep 0.2
  done
  # The port is open; make sure the broker answers requests.
  until kafka_answers 2>>"$KAFKA_LOGS/tools.err"; do
    kill -0 "$pid" 2>/dev/null || die_with_log "$KAFKA_LOGS/server.log" "kafka exited during start-up"
    ((SECONDS < deadline)) || die_with_log "$KAFKA_LOGS/server.log" "kafka did not answer on $KAFKA_BOOTSTRAP after ${KAFKA_START_TIMEOUT}s"
    sleep 1
  done
}

kafka_start() {
  ensure_java
  mkdir -p "$KAFKA_DIR"
  kafka_ensure_libs
  kafka_write_tool_config
  kafka_ensure_tls
  local pid
  if pid="$(kafka_pid)" && ! grep -q '^listeners=SASL_SSL:' "$KAFKA_CONF" 2>/dev/null; then
    log "kafka: the running broker (pid $pid) is plaintext; restarting it secured"
    kafka_stop
  fi
  if pid="$(kafka_pid)"; then
    if ! port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "kafka: process $pid is running but $KAFKA_BOOTSTRAP is closed; waiting"
      kafka_wait_ready "$pid"
    fi
    kafka_acls
    log "kafka: already running (pid $pid) on $KAFKA_BOOTSTRAP"
    return 0
  fi
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$KAFKA_HOST" "$port"; then
      die "port $KAFKA_HOST:$port is taken by another process; stop it or set LUUTRU_KAFKA_PORT / LUUTRU_KAFKA_CONTROLLER_PORT"
    fi
  done
  kafka_write_config
  kafka_format
  log "kafka: starting on $KAFKA_BOOTSTRAP (controller $KAFKA_HOST:$KAFKA_CONTROLLER_PORT)"
  # Launched from a subshell, so the broker is not our child (a later `wait` must not
  # wait for it); setsid gives it its own session, so it outlives this shell and its Ctrl-C.
  (
    close_extra_fds
    # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags
    setsid nohup java $KAFKA_HEAP_OPTS -server \
      -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dlog4j.configuration="file:$KAFKA_LOG4J" -Dlog4j2.configurationFile="$KAFKA_LOG4J2" \
      -Dkafka.logs.dir="$KAFKA_LOGS" \
      -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_CONF" \
      >"$KAFKA_LOGS/kafka.out" 2>&1 </dev/null &
    echo $! >"$KAFKA_PID"
  )
  pid="$(cat "$KAFKA_PID")"
  kafka_wait_ready "$pid"
  kafka_acls
  log "kafka: ready (pid $pid) on $KAFKA_BOOTSTRAP (SASL_SSL, CA $KAFKA_CA)"
}

kafka_stop() {
  local pid
  if ! pid="$(kafka_pid)"; then
    log "kafka: not running"
    return 0
  fi
  log "kafka: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "kafka: still running after 60s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$KAFKA_PID"
  log "kafka: stopped"
}

kafka_status() {
  local pid
  if pid="$(kafka_pid)"; then
    if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
      log "kafka: up       $KAFKA_BOOTSTRAP  pid=$pid  data=$KAFKA_DATA"
      return 0
    fi
    log "kafka: DOWN     (pid $pid running but $KAFKA_BOOTSTRAP closed)"
    return 1
  fi
  if port_open "$KAFKA_HOST" "$KAFKA_PORT"; then
    log "kafka: DOWN     (not ours: another process listens on $KAFKA_BOOTSTRAP)"
  else
    log "kafka: DOWN"
  fi
  return 1
}

# Create the topics of infra/topics.txt that do not exist yet. Without --check, a running
# broker whose data directory already has this topics file's topics is taken at its word.
kafka_topics() {
  [[ -f "$TOPICS_FILE" ]] || die "no topics file $TOPICS_FILE"
  kafka_pid >/dev/null || die "kafka is not running (infra/local.sh kafka-start)"
  if [[ "${1:-}" != --check ]] && cmp -s "$TOPICS_FILE" "$KAFKA_TOPICS_MARKER"; then
    log "kafka: the topics of ${TOPICS_FILE#"$ROOT"/} exist (made on this data directory)"
    return 0
  fi
  local out
  out="$(kafka_admin topics "$TOPICS_FILE" 2>&1)" || { echo "$out" >&2; die "creating the topics of $TOPICS_FILE failed"; }
  cp "$TOPICS_FILE" "$KAFKA_TOPICS_MARKER"
  log "kafka: topics: $out"
}

# ------------------------------------------------------------------- commands

cmd_status() {
  local rc=0
  find_pg_bin || true
  if [[ -n "$PG_BIN" ]]; then pg_status || rc=1; else log "postgres: DOWN  (no binaries)"; rc=1; fi
  kafka_status || rc=1
  return "$rc"
}

cmd_reset() {
  kafka_stop
  pg_stop
  log "deleting $PG_DIR and Kafka data/logs/config under $KAFKA_DIR (jars kept)"
  rm -rf "$PG_DIR" "$KAFKA_DATA" "$KAFKA_LOGS" "$KAFKA_CONF" "$KAFKA_LOG4J" "$KAFKA_LOG4J2" "$KAFKA_TOOLS_LOG4J" \
    "$KAFKA_DIR/admin.properties" "$KAFKA_PID" "$KAFKA_CLUSTER_ID_FILE" "$KAFKA_DIR/mvn.log" \
    "$KAFKA_DIR/libs.tmp" "$KAFKA_TLS" "$KAFKA_DIR/tls.log"
  log "reset done"
}

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    up)
      with_lock
      local t0=$SECONDS
      pg_start
      kafka_start
      kafka_topics
      log "up ($((SECONDS - t0))s): postgres $PG_HOST:$PG_PORT, kafka $KAFKA_BOOTSTRAP"
      ;;
    down)        with_lock; kafka_stop; pg_stop ;;
    status)      cmd_status ;;
    pg-start)    with_lock; pg_start ;;
    pg-stop)     with_lock; pg_stop ;;
    kafka-start) with_lock; kafka_start ;;
    kafka-stop)  with_lock; kafka_stop ;;
    topics)      with_lock; ensure_java; kafka_write_tool_config; kafka_topics --check ;;
    reset)       with_lock; cmd_reset ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
