"""Pieces of the read-only path: the per-request readonly=1 connection and the writer-first lock."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from urllib.parse import quote, urlencode

from chdb import session as chs

from protocol import CHError


def escaped(value: str) -> str:
    """A String query parameter's value in the escaped (TSV) form the engine parses it from."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


class WriterFirstLock:
    """One query at a time, and a waiting writer goes before waiting read-only users' queries: so a
    write waits behind at most ONE analyst query, which max_execution_time bounds (policy.py)."""

    def __init__(self):
        self._cond = threading.Condition()
        self._busy = False
        self._writers_waiting = 0

    @contextmanager
    def hold(self, writer: bool):
        with self._cond:
            if writer:
                self._writers_waiting += 1
            try:
                while self._busy or (not writer and self._writers_waiting):
                    self._cond.wait()
            finally:
                if writer:
                    self._writers_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


class StrictConn:
    """A read-only user's connection for one request: readonly=1 and the settings in the connection
    string, where the query cannot change them."""

    def __init__(self, path: str, settings: dict[str, str]):
        self.s = chs.Session(path + "?" + urlencode({"readonly": "1", **settings}, quote_via=quote))
        self.database: str | None = None

    def q(self, sql: str, fmt: str = "TabSeparated", params: dict | None = None):
        try:
            return self.s.query(sql, fmt, params=params or None)
        except Exception as e:
            raise CHError.from_engine(e) from None

    def close(self) -> None:
        try:
            self.s.close()
        except Exception:
            pass
