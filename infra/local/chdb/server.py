#!/usr/bin/env python3
"""ClickHouse HTTP interface for development and tests, served by chDB (the ClickHouse engine, in-process).

  python3 infra/local/chdb/server.py --host 127.0.0.1 --port 8123 \
      --data .stack/chdb/data --users .stack/chdb/users.json [--pidfile F] [--log-level info]

Speaks what @clickhouse/client and curl use: /ping, queries by GET/POST with the query in the URL and/or
the body, INSERT ... FORMAT x with the data in the body, param_<name> bound parameters, settings as URL
parameters, database/default_format/query_id/session_id, Basic / X-ClickHouse-User+Key / user+password
authentication, ClickHouse-style errors. One query runs at a time; see README.md for the limits.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
from http import HTTPStatus
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from protocol import (AUTHENTICATION_FAILED, READONLY, STD_EXCEPTION, UNSUPPORTED_METHOD, CHError,  # noqa: E402
                      Users, content_type, credentials, decode_body, encode_response, http_status_for,
                      parse_multipart)

log = logging.getLogger("chdb-http")

# URL parameters the HTTP layer consumes; everything else (except param_*) is a setting for the engine.
HTTP_PARAMS = {
    "query", "database", "default_format", "query_id", "session_id", "session_timeout", "session_check",
    "user", "password", "quota_key", "compress", "decompress", "enable_http_compression",
    "http_zlib_compression_level", "wait_end_of_query", "buffer_size", "role", "stacktrace",
    "http_native_compression_disable_checksumming_on_decompress", "client_protocol_version",
    "add_http_cors_header", "http_response_buffer_size", "readonly",
}
KEEP_ALIVE_TIMEOUT = 10  # advertised to clients; the server keeps idle sockets longer (IDLE_TIMEOUT)
IDLE_TIMEOUT = 60


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "chdb-http"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True

    # set on the class by main()
    engine = None
    users: Users = None
    timezone = "UTC"
    display_name = socket.gethostname()

    def log_message(self, format, *args):  # noqa: A002 - silence http.server's own access log
        pass

    # ClickHouse accepts URIs up to http_max_uri_size (1 MiB); http.server stops at 64 KiB and answers
    # 414, which long query_params (e.g. big IN lists) and insert dedup tokens exceed.
    MAX_URI_BYTES = 1 << 20

    def handle_one_request(self):
        try:
            self.raw_requestline = self.rfile.readline(self.MAX_URI_BYTES + 1)
            if len(self.raw_requestline) > self.MAX_URI_BYTES:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(HTTPStatus.NOT_IMPLEMENTED, "Unsupported method (%r)" % self.command)
                return
            method()
            self.wfile.flush()
        except TimeoutError as e:
            self.log_error("Request timed out: %r", e)
            self.close_connection = True

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    # ---------- plumbing ----------

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _send(self, status: int, body: bytes, headers: dict[str, str], head_only: bool = False):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        if not self.close_connection:
            self.send_header("Keep-Alive", f"timeout={KEEP_ALIVE_TIMEOUT}")
        try:
            self.end_headers()
            if body and not head_only:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (e.g. its request timeout); nothing to answer

    def _dispatch(self, method: str):
        t0 = time.perf_counter()
        url = urlsplit(self.path)
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        query_id = params.get("query_id") or str(uuid.uuid4())
        status, shown = 200, ""
        self._shown = ""
        try:
            try:
                body = self._read_body() if method == "POST" or self.headers.get("Content-Length") \
                    or self.headers.get("Transfer-Encoding") else b""
            except (ValueError, OSError):
                self.close_connection = True
                raise CHError(STD_EXCEPTION, "Malformed request body. (CANNOT_READ_ALL_DATA)")
            if url.path in ("/ping", "/replicas_status") or (url.path == "/" and method in ("GET", "HEAD")
                                                              and "query" not in params and not body):
                shown = url.path
                self._send(200, b"Ok.\n", {"Content-Type": "text/html; charset=UTF-8"}, method == "HEAD")
                return
            if url.path != "/":
                status, shown = 404, url.path
                self._send(404, f"There is no handle {url.path}\n\nUse / or /ping for health checks.\n".encode(),
                           {"Content-Type": "text/plain; charset=UTF-8"}, method == "HEAD")
                return
            status, shown = self._query(method, params, body, query_id)
        except CHError as e:
            status = http_status_for(e.code)
            self._send(status, e.body(self.engine.version),
                       {"Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Query-Id": query_id,
                        "X-ClickHouse-Exception-Code": str(e.code),
                        "X-ClickHouse-Server-Display-Name": self.display_name}, method == "HEAD")
        except Exception as e:  # a bug here must not kill the connection silently
            log.exception("internal error")
            status = 500
            err = CHError(STD_EXCEPTION, f"{type(e).__name__}: {e}. (STD_EXCEPTION)")
            self._send(500, err.body(self.engine.version),
                       {"Content-Type": "text/plain; charset=UTF-8", "X-ClickHouse-Query-Id": query_id,
                        "X-ClickHouse-Exception-Code": str(err.code)})
        finally:
            if log.isEnabledFor(logging.INFO):
                log.info("%s %d %.1fms %s", method, status, (time.perf_counter() - t0) * 1000,
                         " ".join((shown or self._shown or params.get("query", ""))[:100].split()))

    def _query(self, method: str, params: dict, body: bytes, query_id: str) -> tuple[int, str]:
        self._shown = params.get("query") or body[:100].decode("utf-8", "replace")
        user, password = credentials(self.headers, params)
        if not self.users.authenticate(user, password):
            raise CHError(AUTHENTICATION_FAILED, f"{user}: Authentication failed: password is incorrect, "
                          "or there is no user with such name. (AUTHENTICATION_FAILED)")
        if params.get("decompress") in ("1", "true"):
            raise CHError(UNSUPPORTED_METHOD, "decompress=1 (ClickHouse-native compressed request bodies) is not "
                          "supported by this dev server; use Content-Encoding: gzip. (UNSUPPORTED_METHOD)")
        body = decode_body(body, self.headers.get("Content-Encoding"))
        query = params.get("query", "")
        ctype = self.headers.get("Content-Type") or ""
        if ctype.lower().startswith("multipart/form-data"):
            fields = parse_multipart(body, ctype)
            body = b""
            for k, v in fields.items():
                if k.startswith("param_"):
                    params[k] = v
            if "query" in fields:
                query = f"{query}\n{fields['query']}" if query else fields["query"]
        user_ro = self.users.readonly(user)
        readonly = user_ro or method == "GET"  # like the real server: GET implies readonly
        ro_param = params.get("readonly")
        if ro_param not in (None, "", "0"):
            readonly = True
        elif ro_param == "0" and user_ro:
            raise CHError(READONLY, "Cannot modify 'readonly' setting in readonly mode. (READONLY)")
        settings = {k: v for k, v in params.items() if k not in HTTP_PARAMS and not k.startswith("param_")}
        qparams = {k[6:]: v for k, v in params.items() if k.startswith("param_")}
        common = dict(query=query, body=body, database=params.get("database") or None,
                      default_format=params.get("default_format") or "TabSeparated", settings=settings,
                      params=qparams, session_id=params.get("session_id") or None,
                      session_timeout=params.get("session_timeout"), session_check=params.get("session_check") == "1")
        try:
            if user_ro:  # readonly=1 on a connection of its own, settings policy, brand filters (policy.py)
                res = self.engine.execute_strict(user=user, brand=self.users.brand(user), **common)
            else:
                res = self.engine.execute(readonly=readonly, **common)
        except CHError as e:
            if e.code == READONLY:
                e.message = e.message.replace("default: Cannot execute", f"{user}: Cannot execute", 1)
                if method == "GET" and not user_ro and ro_param in (None, "", "0"):
                    e.message = e.message.replace("readonly mode.", "readonly mode. For queries over HTTP, method "
                                                  "GET implies readonly. You should use method POST for modifying "
                                                  "queries.", 1)
            raise
        shown = self._shown
        headers = {"Content-Type": content_type(res.fmt), "X-ClickHouse-Query-Id": query_id,
                   "X-ClickHouse-Format": res.fmt, "X-ClickHouse-Timezone": self.timezone,
                   "X-ClickHouse-Server-Display-Name": self.display_name,
                   "X-ClickHouse-Summary": json.dumps(res.summary, separators=(",", ":"))}
        out = res.body
        if params.get("enable_http_compression") in ("1", "true") and out:
            out, enc = encode_response(out, self.headers.get("Accept-Encoding"))
            if enc:
                headers["Content-Encoding"] = enc
        self._send(200, out, headers, method == "HEAD")
        return 200, shown


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, TimeoutError)):
            return
        log.exception("error while handling a request from %s", client_address)


def main(argv=None) -> int:
    env = os.environ.get
    ap = argparse.ArgumentParser(description="ClickHouse HTTP interface backed by chDB (dev/test only).")
    ap.add_argument("--host", default=env("CHDB_SERVER_HOST", "127.0.0.1"))
    ap.add_argument("--port", type=int, default=int(env("CHDB_SERVER_PORT", "8123")))
    ap.add_argument("--data", default=env("CHDB_SERVER_DATA", ".stack/chdb/data"), help="persistent data directory")
    ap.add_argument("--users", default=env("CHDB_SERVER_USERS") or None,
                    help="users JSON file; without it: default/$CLICKHOUSE_PASSWORD and read-only "
                         "analyst/$CLICKHOUSE_READONLY_PASSWORD")
    ap.add_argument("--pidfile", default=env("CHDB_SERVER_PIDFILE") or None)
    ap.add_argument("--log-level", default=env("CHDB_SERVER_LOG_LEVEL", "warning"),
                    help="warning (default, quiet) or info (one line per request) or debug")
    ap.add_argument("--max-execution-time", type=float, default=float(env("CHDB_SERVER_MAX_EXECUTION_TIME", "0")),
                    help="default max_execution_time in seconds for every query (0 = unlimited, as ClickHouse); "
                         "queries run one at a time and a client hanging up does not cancel one")
    args = ap.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from engine import Engine  # imported late so --help works without chdb installed

    users = Users(args.users)
    startup = {"max_execution_time": f"{args.max_execution_time:g}"} if args.max_execution_time > 0 else {}
    engine = Engine(args.data, startup)
    Handler.engine, Handler.users = engine, users
    Handler.timezone = engine.rw.q("SELECT timezone()").bytes().decode().strip()
    try:
        httpd = Server((args.host, args.port), Handler)
    except OSError as e:
        engine.close()
        print(f"chdb-http: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr)
        return 1
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(f"{os.getpid()}\n")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    t = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    t.start()
    print(f"chdb-http: ClickHouse {engine.version} (chDB) listening on http://{args.host}:{args.port}, "
          f"data {os.path.abspath(args.data)}, users {', '.join(sorted(users.users))}", file=sys.stderr, flush=True)
    while not stop.wait(1.0):
        pass
    print("chdb-http: shutting down", file=sys.stderr, flush=True)
    httpd.shutdown()
    httpd.server_close()
    engine.close()  # waits for the running query, then closes the chDB connections (flushes data)
    if args.pidfile:
        try:
            os.unlink(args.pidfile)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
