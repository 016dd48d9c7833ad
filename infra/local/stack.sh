#!/usr/bin/env bash
# Local stack without Docker: Apache Kafka (KRaft, combined broker+controller) from Maven Central
# on the installed JDK, and the ClickHouse engine (chDB) served on the ClickHouse HTTP interface.
# Idempotent: `up` starts what is not running; downloads are cached under $STACK_DIR (git-ignored).
#
#   bash infra/local/stack.sh up|down|status [kafka|clickhouse]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR=${BRANDPULSE_STACK_DIR:-$ROOT/.stack}
KAFKA_HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
CLICKHOUSE_PORT=${CLICKHOUSE_PORT:-8123}
KAFKA_DIR=$STACK_DIR/kafka
CH_DIR=$STACK_DIR/chdb
VENV=$STACK_DIR/venv

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# A process of ours whose pidfile was lost (e.g. started by a concurrent caller): adopt it.
adopt() { # adopt <pidfile> <pgrep pattern>
  local pid
  pid=$(pgrep -f -- "$2" | head -n 1 || true)
  [ -n "$pid" ] && echo "$pid" >"$1"
}

wait_for() { # wait_for <name> <seconds> <command...>
  local name=$1 secs=$2; shift 2
  local i
  for ((i = 0; i < secs * 4; i++)); do
    if "$@"; then return 0; fi
    sleep 0.25
  done
  die "$name did not become ready within ${secs}s (see logs in $STACK_DIR)"
}

# ---------- Kafka ----------
kafka_install() {
  command -v java >/dev/null || die "java not found: install a JDK 17 (apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install maven)"
  local pom=$ROOT/infra/local/kafka/pom.xml
  local stamp
  stamp=$(sha256sum "$pom" | cut -c1-16)
  if [ -f "$KAFKA_DIR/lib/.stamp" ] && [ "$(cat "$KAFKA_DIR/lib/.stamp")" = "$stamp" ]; then return 0; fi
  log "resolving Kafka from Maven Central ($pom)"
  rm -rf "$KAFKA_DIR/lib"; mkdir -p "$KAFKA_DIR/lib"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_DIR/lib" >"$KAFKA_DIR/mvn.log" 2>&1 || { cat "$KAFKA_DIR/mvn.log" >&2; die "maven resolution failed"; }
  echo "$stamp" >"$KAFKA_DIR/lib/.stamp"
}

kafka_config() {
  mkdir -p "$KAFKA_DIR/data" "$KAFKA_DIR/logs"
  cat >"$KAFKA_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT,CONTROLLER://$KAFKA_HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
auto.create.topics.enable=false
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.check.interval.ms=60000
PROPS
  cat >"$KAFKA_DIR/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$KAFKA_DIR/logs/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
PROPS
}

kafka_java() {
  java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_DIR/lib/*" "$@"
}

kafka_up() {
  if pid_alive "$KAFKA_DIR/kafka.pid" && port_open "$KAFKA_PORT"; then log "kafka already running on $KAFKA_HOST:$KAFKA_PORT"; return 0; fi
  if port_open "$KAFKA_PORT"; then
    adopt "$KAFKA_DIR/kafka.pid" "kafka.Kafka $KAFKA_DIR/server.properties" && { log "kafka already running on $KAFKA_HOST:$KAFKA_PORT"; return 0; }
    die "port $KAFKA_PORT is taken by another process"
  fi
  kafka_install
  kafka_config
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    log "formatting KRaft storage"
    kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid)" \
      -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/logs/format.log" 2>&1 || { cat "$KAFKA_DIR/logs/format.log" >&2; die "kafka storage format failed"; }
  fi
  log "starting kafka on $KAFKA_HOST:$KAFKA_PORT"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
    -cp "$KAFKA_DIR/lib/*" kafka.Kafka "$KAFKA_DIR/server.properties" \
    >"$KAFKA_DIR/logs/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$KAFKA_DIR/kafka.pid"
  wait_for kafka 90 port_open "$KAFKA_PORT"
  log "kafka ready"
}

# ---------- ClickHouse (chDB) ----------
ch_install() {
  local req=$ROOT/infra/local/chdb/requirements.txt
  [ -f "$req" ] || die "missing $req"
  local stamp
  stamp=$(sha256sum "$req" | cut -c1-16)
  if [ -f "$VENV/.stamp" ] && [ "$(cat "$VENV/.stamp")" = "$stamp" ]; then return 0; fi
  command -v python3 >/dev/null || die "python3 not found"
  log "installing chDB into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$req" || die "pip install of chDB failed"
  echo "$stamp" >"$VENV/.stamp"
}

ch_users() {
  mkdir -p "$CH_DIR"
  # Passwords come from the environment so that the stack and the services agree; python writes
  # the JSON so that any character in a password is escaped properly.
  # Brand identities (read-only, one brand's rows only) come from the file `npm run clickhouse:access`
  # generates from infra/brands.yaml.
  "$VENV/bin/python" - "$CH_DIR/users.json" "$ROOT/infra/local/chdb/brand-identities.json" <<'PY'
import json, os, sys
users = {
    os.environ.get("CLICKHOUSE_USER", "default"): {"password": os.environ.get("CLICKHOUSE_PASSWORD", "brandpulse"), "readonly": False},
    os.environ.get("CLICKHOUSE_READONLY_USER", "analyst"): {"password": os.environ.get("CLICKHOUSE_READONLY_PASSWORD", "analyst"), "readonly": True},
}
if os.path.exists(sys.argv[2]):
    for b in json.load(open(sys.argv[2])):
        users[b["user"]] = {"password": os.environ.get(b["password_env"], b["dev_password"]), "brand": b["brand"]}
with open(sys.argv[1], "w") as f:
    json.dump(users, f, indent=2)
PY
}

ch_ping() { curl -fsS "http://127.0.0.1:$CLICKHOUSE_PORT/ping" >/dev/null 2>&1; }

ch_up() {
  if pid_alive "$CH_DIR/server.pid" && ch_ping; then log "clickhouse (chDB) already running on 127.0.0.1:$CLICKHOUSE_PORT"; return 0; fi
  if port_open "$CLICKHOUSE_PORT"; then
    adopt "$CH_DIR/server.pid" "chdb/server.py --host 127.0.0.1 --port $CLICKHOUSE_PORT" && { log "clickhouse (chDB) already running"; return 0; }
    die "port $CLICKHOUSE_PORT is taken by another process"
  fi
  ch_install
  ch_users
  mkdir -p "$CH_DIR/data"
  log "starting clickhouse (chDB) on 127.0.0.1:$CLICKHOUSE_PORT"
  nohup "$VENV/bin/python" "$ROOT/infra/local/chdb/server.py" --host 127.0.0.1 --port "$CLICKHOUSE_PORT" \
    --data "$CH_DIR/data" --users "$CH_DIR/users.json" --max-execution-time 300 >"$CH_DIR/server.log" 2>&1 </dev/null 9>&- &
  echo $! >"$CH_DIR/server.pid"
  wait_for clickhouse 90 ch_ping
  log "clickhouse ready"
}

stop_pid() { # stop_pid <name> <pidfile>
  local name=$1 pidfile=$2
  if pid_alive "$pidfile"; then
    local pid; pid=$(cat "$pidfile")
    log "stopping $name (pid $pid)"
    kill "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 120; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30s, killing"; kill -9 "$pid" 2>/dev/null || true; fi
  fi
  rm -f "$pidfile"
}

status_line() { # status_line <name> <pidfile> <check...>
  local name=$1 pidfile=$2; shift 2
  if pid_alive "$pidfile" && "$@"; then echo "$name: up (pid $(cat "$pidfile"))"; return 0; fi
  echo "$name: down"; return 1
}

cmd=${1:-status}
what=${2:-all}
# Test tiers and `npm start` may call `up` at the same time: one caller at a time. The servers
# started below must not inherit the lock's descriptor (9>&-), or they would hold it forever.
if [ "$cmd" = up ] || [ "$cmd" = down ]; then
  mkdir -p "$STACK_DIR"
  exec 9>"$STACK_DIR/.lock"
  flock -w 600 9 || die "another stack.sh holds $STACK_DIR/.lock"
fi
case "$cmd" in
  up)
    mkdir -p "$STACK_DIR"
    case "$what" in kafka) kafka_up ;; clickhouse) ch_up ;; all) kafka_up; ch_up ;; *) die "unknown component $what" ;; esac ;;
  down)
    case "$what" in kafka) stop_pid kafka "$KAFKA_DIR/kafka.pid" ;; clickhouse) stop_pid clickhouse "$CH_DIR/server.pid" ;;
      all) stop_pid clickhouse "$CH_DIR/server.pid"; stop_pid kafka "$KAFKA_DIR/kafka.pid" ;; *) die "unknown component $what" ;; esac ;;
  status)
    rc=0
    status_line "kafka      127.0.0.1:$KAFKA_PORT" "$KAFKA_DIR/kafka.pid" port_open "$KAFKA_PORT" || rc=1
    status_line "clickhouse 127.0.0.1:$CLICKHOUSE_PORT (chDB)" "$CH_DIR/server.pid" ch_ping || rc=1
    exit $rc ;;
  install)
    kafka_install; ch_install ;;
  *) die "usage: stack.sh up|down|status|install [kafka|clickhouse]" ;;
esac
