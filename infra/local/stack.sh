#!/usr/bin/env bash
# Local stack without Docker: Apache Kafka (KRaft, combined broker+controller) from Maven Central
# on the installed JDK, and the ClickHouse engine (chDB) served on the ClickHouse HTTP interface.
# Idempotent: `up` starts what is not running; downloads are cached under $STACK_DIR (git-ignored).
#
#   bash infra/local/stack.sh up|down|status [kafka|kafka-N|clickhouse]
#
# BRANDPULSE_KAFKA_BROKERS=3 runs three KRaft nodes, each broker and controller (a 3-voter quorum),
# on KAFKA_PORT, +2, +4 (controllers on KAFKA_CONTROLLER_PORT, +2, +4), data in $STACK_DIR/kafka/nodeN;
# internal topics get 3 replicas and min ISR 2. `kafka-N` acts on node N alone (a broker restart).
# The default (1) is the single combined node of before, in $STACK_DIR/kafka.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR=${BRANDPULSE_STACK_DIR:-$ROOT/.stack}
KAFKA_HOST=127.0.0.1
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
CLICKHOUSE_PORT=${CLICKHOUSE_PORT:-8123}
KAFKA_DIR=$STACK_DIR/kafka
KAFKA_NODES=${BRANDPULSE_KAFKA_BROKERS:-1}
[[ "$KAFKA_NODES" =~ ^[1-9]$ ]] || { printf '[stack] error: BRANDPULSE_KAFKA_BROKERS must be 1-9, got %s\n' "$KAFKA_NODES" >&2; exit 1; }
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

# Node i of the cluster: its directory and ports. One node: $KAFKA_DIR and the ports as given.
node_dir() { if [ "$KAFKA_NODES" = 1 ]; then echo "$KAFKA_DIR"; else echo "$KAFKA_DIR/node$1"; fi; }
node_label() { if [ "$KAFKA_NODES" = 1 ]; then echo kafka; else echo "kafka node $1"; fi; }
node_port() { echo $((KAFKA_PORT + 2 * ($1 - 1))); }
node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 2 * ($1 - 1))); }
kafka_voters() {
  local i out=""
  for ((i = 1; i <= KAFKA_NODES; i++)); do out+="${out:+,}$i@$KAFKA_HOST:$(node_controller_port "$i")"; done
  echo "$out"
}
kafka_bootstrap() {
  local i out=""
  for ((i = 1; i <= KAFKA_NODES; i++)); do out+="${out:+,}$KAFKA_HOST:$(node_port "$i")"; done
  echo "$out"
}

kafka_config() { # kafka_config <node>
  local node=$1 dir port cport rf isr
  dir=$(node_dir "$node"); port=$(node_port "$node"); cport=$(node_controller_port "$node")
  # Internal topics (offsets, transactions): replicated like the catalogue's topics (topics.ts sizedFor).
  rf=$((KAFKA_NODES < 3 ? KAFKA_NODES : 3)); isr=$((KAFKA_NODES < 3 ? 1 : 2))
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$node
controller.quorum.voters=$(kafka_voters)
listeners=PLAINTEXT://$KAFKA_HOST:$port,CONTROLLER://$KAFKA_HOST:$cport
advertised.listeners=PLAINTEXT://$KAFKA_HOST:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
auto.create.topics.enable=false
num.partitions=3
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
min.insync.replicas=$isr
group.initial.rebalance.delay.ms=0
log.retention.check.interval.ms=60000
PROPS
  if [ "$KAFKA_NODES" -gt 1 ]; then
    # A restarted node catches up and leads its partitions again without an operator.
    printf 'default.replication.factor=%s\nauto.leader.rebalance.enable=true\nleader.imbalance.check.interval.seconds=10\n' "$rf" >>"$dir/server.properties"
  fi
  cat >"$dir/log4j2.properties" <<PROPS
rootLogger.level=INFO
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$dir/logs/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.kafka.name=kafka
logger.kafka.level=WARN
logger.apache.name=org.apache.kafka
logger.apache.level=WARN
PROPS
}

kafka_heap() { if [ "$KAFKA_NODES" = 1 ]; then echo "-Xms256m -Xmx1g"; else echo "-Xms128m -Xmx512m"; fi; }

kafka_java() { # kafka_java <dir> <class> <args...>
  local dir=$1; shift
  # shellcheck disable=SC2046
  java $(kafka_heap) -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$KAFKA_DIR/lib/*" "$@"
}

# The KRaft cluster id, one for every node of the cluster (each node's storage is formatted with it).
kafka_cluster_id() {
  if [ "$KAFKA_NODES" = 1 ]; then kafka_java "$KAFKA_DIR" kafka.tools.StorageTool random-uuid; return; fi
  [ -s "$KAFKA_DIR/cluster.id" ] || kafka_java "$KAFKA_DIR/node1" kafka.tools.StorageTool random-uuid >"$KAFKA_DIR/cluster.id"
  cat "$KAFKA_DIR/cluster.id"
}

kafka_node_start() { # kafka_node_start <node>: starts the node unless it runs; does not wait
  local node=$1 dir port name
  dir=$(node_dir "$node"); port=$(node_port "$node"); name=$(node_label "$node")
  if pid_alive "$dir/kafka.pid" && port_open "$port"; then log "$name already running on $KAFKA_HOST:$port"; return 0; fi
  if port_open "$port"; then
    adopt "$dir/kafka.pid" "kafka.Kafka $dir/server.properties" && { log "$name already running on $KAFKA_HOST:$port"; return 0; }
    die "port $port is taken by another process"
  fi
  kafka_install
  kafka_config "$node"
  if [ ! -f "$dir/data/meta.properties" ]; then
    if [ "$KAFKA_NODES" = 1 ]; then log "formatting KRaft storage"; else log "formatting KRaft storage of $name"; fi
    kafka_java "$dir" kafka.tools.StorageTool format -t "$(kafka_cluster_id)" \
      -c "$dir/server.properties" >"$dir/logs/format.log" 2>&1 || { cat "$dir/logs/format.log" >&2; die "kafka storage format failed"; }
  fi
  log "starting $name on $KAFKA_HOST:$port"
  # shellcheck disable=SC2046
  nohup java $(kafka_heap) -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" \
    -cp "$KAFKA_DIR/lib/*" kafka.Kafka "$dir/server.properties" \
    >"$dir/logs/stdout.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/kafka.pid"
}

kafka_up() { # kafka_up [node]: every node (they need a quorum of controllers to serve), or one
  local i first=1 last=$KAFKA_NODES
  if [ -n "${1:-}" ]; then first=$1; last=$1; fi
  for ((i = first; i <= last; i++)); do kafka_node_start "$i"; done
  # KAFKA_START_TIMEOUT: a (re)started node on a loaded machine can take longer than the default 90 s.
  for ((i = first; i <= last; i++)); do wait_for "$(node_label "$i")" "${KAFKA_START_TIMEOUT:-90}" port_open "$(node_port "$i")"; done
  if [ "$KAFKA_NODES" = 1 ]; then log "kafka ready"; else log "kafka ready: KAFKA_BROKERS=$(kafka_bootstrap)"; fi
}

kafka_down() { # kafka_down [node]
  local i first=1 last=$KAFKA_NODES
  if [ -n "${1:-}" ]; then first=$1; last=$1; fi
  # All at once: a node stopping alone waits for a controller quorum the others no longer form.
  for ((i = first; i <= last; i++)); do pid_alive "$(node_dir "$i")/kafka.pid" && kill "$(cat "$(node_dir "$i")/kafka.pid")" 2>/dev/null || true; done
  for ((i = first; i <= last; i++)); do stop_pid "$(node_label "$i")" "$(node_dir "$i")/kafka.pid"; done
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
# kafka-N: node N of a multi-broker cluster alone.
node_of() { local n=${1#kafka-}; [[ "$n" =~ ^[1-9]$ ]] && [ "$n" -le "$KAFKA_NODES" ] || die "no kafka node $n (BRANDPULSE_KAFKA_BROKERS=$KAFKA_NODES)"; echo "$n"; }
case "$cmd" in
  up)
    mkdir -p "$STACK_DIR"
    case "$what" in kafka) kafka_up ;; kafka-*) kafka_up "$(node_of "$what")" ;; clickhouse) ch_up ;; all) kafka_up; ch_up ;; *) die "unknown component $what" ;; esac ;;
  down)
    case "$what" in kafka) kafka_down ;; kafka-*) kafka_down "$(node_of "$what")" ;; clickhouse) stop_pid clickhouse "$CH_DIR/server.pid" ;;
      all) stop_pid clickhouse "$CH_DIR/server.pid"; kafka_down ;; *) die "unknown component $what" ;; esac ;;
  status)
    rc=0
    if [ "$KAFKA_NODES" = 1 ]; then
      status_line "kafka      127.0.0.1:$KAFKA_PORT" "$KAFKA_DIR/kafka.pid" port_open "$KAFKA_PORT" || rc=1
    else
      for ((i = 1; i <= KAFKA_NODES; i++)); do
        status_line "kafka-$i    127.0.0.1:$(node_port "$i")" "$(node_dir "$i")/kafka.pid" port_open "$(node_port "$i")" || rc=1
      done
      echo "KAFKA_BROKERS=$(kafka_bootstrap)"
    fi
    status_line "clickhouse 127.0.0.1:$CLICKHOUSE_PORT (chDB)" "$CH_DIR/server.pid" ch_ping || rc=1
    exit $rc ;;
  install)
    kafka_install; ch_install ;;
  *) die "usage: stack.sh up|down|status|install [kafka|kafka-N|clickhouse]" ;;
esac
