"""The chDB side: one persistent read-write connection and one readonly=2 connection (GET requests of
writers) on the same data directory, with per-request settings and per-session_id SET/USE state
applied around each query and then undone, so nothing leaks between requests. Read-only USERS get a
fresh connection per request opened with readonly=1 and the settings policy.py allows (0.3 ms), so
the engine, not this file, refuses their SET/SETTINGS and host-reaching table functions. One query
runs at a time; writers go first (WriterFirstLock)."""
from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field

from chdb import session as chs

import policy
from strict import StrictConn, WriterFirstLock, escaped
from protocol import (BAD_ARGUMENTS, SESSION_NOT_FOUND, CHError, output_format, split_insert_format, streamed_format)

_SET_STMT = re.compile(r"(?:^|;)\s*SET\s", re.I)
_USE_STMT = re.compile(r"(?:^|;)\s*USE\s", re.I)
_SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IN_FORMAT_QUERY = re.compile(r": In scope SELECT formatQuery\(.*\)\. \(", re.S)


def literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def identifier(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


@dataclass
class SessionState:
    settings: dict = field(default_factory=dict)
    database: str | None = None
    timeout: float = 60.0
    last_used: float = field(default_factory=time.monotonic)


@dataclass
class Result:
    body: bytes
    fmt: str
    summary: dict


class Conn:
    def __init__(self, path: str, startup_settings: dict[str, str]):
        self.s = chs.Session(path)
        self.database: str | None = None  # current database as last set by us; None = unknown
        if startup_settings:
            self.q("SET " + ", ".join(f"{n} = {literal(v)}" for n, v in startup_settings.items()))
        self.baseline = self.changed_settings()

    def q(self, sql: str, fmt: str = "TabSeparated", params: dict | None = None):
        try:
            return self.s.query(sql, fmt, params=params or None)
        except Exception as e:  # chdb raises ChdbError/RuntimeError with "Code: N. DB::Exception: ..."
            raise CHError.from_engine(e) from None

    def changed_settings(self) -> dict[str, str]:
        out = self.q("SELECT name, value FROM system.settings WHERE changed AND name != 'database' "
                     "FORMAT JSONCompactEachRow", "JSONCompactEachRow").bytes()
        return {n: v for n, v in (json.loads(line) for line in out.splitlines() if line)}

    def reset(self, names) -> None:
        """Put the named settings back to this connection's startup values."""
        parts = [f"{n} = {literal(self.baseline[n])}" if n in self.baseline else f"{n} = DEFAULT"
                 for n in sorted(set(names))]
        if parts:
            self.q("SET " + ", ".join(parts))

    def drift(self) -> dict[str, str]:
        """Settings that differ from the startup values now."""
        now = self.changed_settings()
        out = {n: v for n, v in now.items() if self.baseline.get(n) != v}
        for n in self.baseline:
            if n not in now:
                out[n] = None
        return out

    def close(self) -> None:
        try:
            self.s.close()
        except Exception:
            pass


class Engine:
    def __init__(self, data_dir: str, startup_settings: dict[str, str] | None = None):
        path = os.path.abspath(data_dir)
        os.makedirs(path, exist_ok=True)
        self.path = path
        self.lock = WriterFirstLock()
        self.rw = Conn(path, startup_settings or {})
        # Same engine and data, but the engine itself refuses writes (readonly=2 still allows SET).
        self.ro = Conn(path + "?readonly=2", startup_settings or {})
        self.version = self.rw.q("SELECT version()").bytes().decode().strip()
        self.system_tables = self.rw.q("SELECT name FROM system.tables WHERE database = 'system'").bytes() \
            .decode().split()
        self.sessions: dict[str, SessionState] = {}
        self._tables_cache: tuple[bytes, list] | None = None
        self.closed = False

    def close(self) -> None:
        with self.lock.hold(writer=True):
            if not self.closed:
                self.closed = True
                self.ro.close()
                self.rw.close()

    def _session(self, session_id: str | None, timeout: str | None, check: bool) -> SessionState | None:
        now = time.monotonic()
        for sid in [k for k, v in self.sessions.items() if now - v.last_used > v.timeout]:
            del self.sessions[sid]
        if not session_id:
            return None
        st = self.sessions.get(session_id)
        if st is None:
            if check:
                raise CHError(SESSION_NOT_FOUND, f"Session {session_id} not found. (SESSION_NOT_FOUND)")
            st = self.sessions[session_id] = SessionState()
        if timeout:
            try:
                st.timeout = float(timeout)
            except ValueError:
                raise CHError(BAD_ARGUMENTS, f"Invalid session timeout: '{timeout}'. (INVALID_SESSION_TIMEOUT)")
        st.last_used = now
        return st

    def execute(self, *, query: str, body: bytes, readonly: bool, database: str | None, default_format: str,
                settings: dict[str, str], params: dict[str, str], session_id: str | None = None,
                session_timeout: str | None = None, session_check: bool = False) -> Result:
        for name in settings:
            if not _SETTING_NAME.match(name):
                raise CHError(BAD_ARGUMENTS, f"Invalid setting name '{name}'. (BAD_ARGUMENTS)")
        with self.lock.hold(writer=True):
            if self.closed:
                raise CHError(BAD_ARGUMENTS, "Server is shutting down. (ABORTED)")
            conn = self.ro if readonly else self.rw
            st = self._session(session_id, session_timeout, session_check)
            target_db = database or (st.database if st else None) or "default"
            if conn.database != target_db:
                conn.database = None
                conn.q(f"USE {identifier(target_db)}")
                conn.database = target_db
            applied = {**(st.settings if st else {}), **settings}
            text = query
            has_set = False
            failed = True
            try:
                if applied:
                    conn.q("SET " + ", ".join(f"{n} = {literal(str(v))}" for n, v in applied.items()))
                res, text = self._run(conn, query, body, default_format, params)
                has_set = bool(_SET_STMT.search(text))
                if st is not None and has_set:
                    for n, v in conn.drift().items():
                        if n in settings and n not in text:
                            continue  # a URL setting of this request, not a session SET
                        if v is None:
                            st.settings.pop(n, None)
                        else:
                            st.settings[n] = v
                failed = False
                return res
            finally:
                try:
                    names = set(applied)
                    if failed or has_set or _SET_STMT.search(text):
                        names |= set(conn.drift())
                    conn.reset(names)
                    if _USE_STMT.search(text):
                        current = conn.q("SELECT currentDatabase()").bytes().decode().strip()
                        if st is not None:
                            st.database = current
                        conn.database = current
                except CHError:
                    conn.reset(conn.drift())
                    conn.database = None

    def execute_strict(self, *, user: str, brand: str | None, query: str, body: bytes, database: str | None,
                       default_format: str, settings: dict[str, str], params: dict[str, str],
                       session_id: str | None = None, session_timeout: str | None = None,
                       session_check: bool = False) -> Result:
        """A read-only user's query: settings checked by policy.py, a fresh readonly=1 connection, the
        statement checked with the engine's own parser, and for a brand identity the brand filter on
        every table (additional_table_filters in the connection string: the query cannot change it)."""
        effective = policy.check_settings(user, settings)
        with self.lock.hold(writer=False):
            if self.closed:
                raise CHError(BAD_ARGUMENTS, "Server is shutting down. (ABORTED)")
            st = self._session(session_id, session_timeout, session_check)
            target_db = database or (st.database if st else None) or "default"
            if brand is not None:
                effective.update(policy.TENANT_FORCED)
                effective["additional_table_filters"] = policy.tenant_filters(brand, self._tables(), self.system_tables)
            conn = StrictConn(self.path, effective)
            try:
                conn.q(f"USE {identifier(target_db)}")
                text = self._text(query, body, params)
                if text is not None:  # the streamed INSERT path is refused by the engine (readonly=1)
                    try:
                        formatted = conn.q("SELECT formatQuery({q:String})", "TabSeparatedRaw",
                                           {"q": escaped(text)}).bytes().decode()
                    except CHError as e:  # the parser's own error, without our wrapper around it
                        e.message = _IN_FORMAT_QUERY.sub("(", e.message)
                        raise
                    ast = conn.q("EXPLAIN AST " + text, "TabSeparatedRaw", params).bytes().decode()
                    policy.check_statement(user, formatted, ast, tenant=brand is not None)
                res, ran = self._run(conn, query, body, default_format, params)
                if st is not None and _USE_STMT.search(ran):
                    st.database = conn.q("SELECT currentDatabase()").bytes().decode().strip()
                return res
            finally:
                conn.close()

    def _tables(self) -> list[tuple[str, str, int]]:
        """(database, table, has a brand column) of every non-system table, read under the engine lock so
        no DDL runs between this and the query. system.columns is the slow part (~tens of ms with a few
        hundred tables), so it is re-read only when the set of tables (names and UUIDs) changed; an
        ALTER that adds or drops `brand` on an existing table fails closed (no rows, or an error)."""
        sig = self.rw.q("SELECT database, name, uuid FROM system.tables WHERE database != 'system' "
                        "ORDER BY database, name FORMAT JSONCompactEachRow", "JSONCompactEachRow").bytes()
        if self._tables_cache is None or self._tables_cache[0] != sig:
            rows = self.rw.q("SELECT database, table, max(name = 'brand') FROM system.columns "
                             "WHERE database != 'system' GROUP BY database, table FORMAT JSONCompactEachRow",
                             "JSONCompactEachRow").bytes()
            self._tables_cache = (sig, [tuple(json.loads(line)) for line in rows.splitlines() if line])
        return self._tables_cache[1]

    @staticmethod
    def _split(query: str, body: bytes, params: dict):
        """ClickHouse semantics: the URL query comes first, the body is appended after a newline; a
        body may start with `INSERT ... FORMAT x` itself. -> (head, data, (prefix, fmt) when the
        data is streamed to the engine as an insert, else None)."""
        head, data = query, body
        if not head:
            nl = body.find(b"\n")
            if nl >= 0 and split_insert_format(body[:nl].decode("utf-8", "replace")):
                head, data = body[:nl].decode("utf-8"), body[nl + 1:]
            else:
                head, data = "", body
        ins = split_insert_format(head) if head else None
        # Text formats go as one statement: chDB's streaming insert (send_insert) reports success for
        # a block it failed to write (a violated CHECK constraint: rows_written = n, nothing stored),
        # which would turn a refused row into a 2xx that lost data. The statement path raises the
        # engine's error like clickhouse-server (measured: 15k JSON rows ~15-40 ms slower). Binary
        # formats, which cannot travel as text, keep the streaming path.
        streamed = ins if ins and not (params and "{" in ins[0]) and streamed_format(ins[1]) else None
        return head, data, streamed

    @staticmethod
    def _text(query: str, body: bytes, params: dict) -> str | None:
        """The statement _run will send as text (same rules), or None for the streamed INSERT path."""
        head, data, streamed = Engine._split(query, body, params)
        if streamed:
            return None
        try:
            tail = data.decode("utf-8")
        except UnicodeDecodeError:
            return None  # _run refuses it
        text = f"{head}\n{tail}" if head and tail else (head or tail)
        return text if text.strip() else None

    def _run(self, conn: Conn, query: str, body: bytes, default_format: str, params: dict) -> tuple[Result, str]:
        head, data, streamed = self._split(query, body, params)
        if streamed:
            prefix, in_fmt = streamed
            t0 = time.perf_counter_ns()
            inserter = None
            try:
                inserter = conn.s.send_insert(prefix, in_fmt)
                if data:
                    inserter.append(data)
                r = inserter.finish()
            except Exception as e:
                if inserter is not None:
                    try:
                        inserter.cancel()
                    except Exception:
                        pass
                raise CHError.from_engine(e) from None
            summary = {"read_rows": str(r.rows_written), "read_bytes": str(r.bytes_written),
                       "written_rows": str(r.rows_written), "written_bytes": str(r.bytes_written),
                       "total_rows_to_read": "0", "result_rows": str(r.rows_written),
                       "result_bytes": str(r.bytes_written), "elapsed_ns": str(time.perf_counter_ns() - t0)}
            return Result(b"", default_format, summary), head
        try:
            tail = data.decode("utf-8")
        except UnicodeDecodeError:
            raise CHError(BAD_ARGUMENTS, "Request body is not UTF-8 text; send binary data as the body of "
                          "a request whose `query` URL parameter ends with `FORMAT <fmt>`. (BAD_ARGUMENTS)")
        text = f"{head}\n{tail}" if head and tail else (head or tail)
        if not text.strip():
            raise CHError(62, "Empty query. (SYNTAX_ERROR)")
        fmt = output_format(text, default_format)
        t0 = time.perf_counter_ns()
        r = conn.q(text, fmt, params)
        out = r.bytes()
        summary = {"read_rows": str(r.rows_read()), "read_bytes": str(r.bytes_read()),
                   "written_rows": str(r.rows_written()), "written_bytes": str(r.bytes_written()),
                   "total_rows_to_read": "0", "result_bytes": str(len(out)), "elapsed_ns": str(time.perf_counter_ns() - t0)}
        return Result(out, fmt, summary), text
