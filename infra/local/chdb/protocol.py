"""ClickHouse HTTP-protocol details that do not touch the engine: error codes and statuses,
output-format content types, users/authentication, request-body decoding."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import zlib

# ---------- errors ----------

# Error code numbers as reported by the engine (`system.errors`, chdb-core 26.9).
SYNTAX_ERROR = 62
BAD_ARGUMENTS = 36
UNKNOWN_TABLE = 60
UNKNOWN_DATABASE = 81
READONLY = 164
AUTHENTICATION_FAILED = 516
SESSION_NOT_FOUND = 372
STD_EXCEPTION = 1001
UNSUPPORTED_METHOD = 1  # used for unsupported Content-Encoding, as the server has no closer code

ERROR_NAMES = {
    1: "UNSUPPORTED_METHOD", 36: "BAD_ARGUMENTS", 62: "SYNTAX_ERROR", 164: "READONLY",
    372: "SESSION_NOT_FOUND", 516: "AUTHENTICATION_FAILED", 1001: "STD_EXCEPTION",
}

# The real server's mapping (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp), by code number.
_STATUS_BY_CODE: dict[int, int] = {194: 401}  # REQUIRED_PASSWORD
for _c in (192, 193, 516, 512, 497):  # UNKNOWN_USER WRONG_PASSWORD AUTHENTICATION_FAILED SET_NON_GRANTED_ROLE ACCESS_DENIED
    _STATUS_BY_CODE[_c] = 403
for _c in (36, 427, 6, 25, 26, 38, 41, 72, 441, 675, 676, 27, 376, 15, 44, 37, 123, 8, 167, 168, 223, 62, 117,
           53, 321):  # BAD_ARGUMENTS ... SYNTAX_ERROR INCORRECT_DATA TYPE_MISMATCH VALUE_IS_OUT_OF_RANGE
    _STATUS_BY_CODE[_c] = 400
for _c in (60, 46, 47, 50, 56, 81, 115, 152, 63, 73, 336, 78, 511):  # UNKNOWN_TABLE ... UNKNOWN_ROLE
    _STATUS_BY_CODE[_c] = 404
_STATUS_BY_CODE.update({229: 413, 48: 501, 209: 503, 76: 503, 381: 411, 159: 408, 439: 503, 779: 415})


def http_status_for(code: int) -> int:
    return _STATUS_BY_CODE.get(code, 500)


_CODE_RE = re.compile(r"Code: (\d+)\. DB::Exception: (.*)", re.S)


class CHError(Exception):
    """An error to be answered the way ClickHouse does: `Code: N. DB::Exception: msg. (NAME)`."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @classmethod
    def from_engine(cls, exc: BaseException) -> "CHError":
        text = str(exc)
        m = _CODE_RE.search(text)
        if not m:
            return cls(STD_EXCEPTION, f"{text}. (STD_EXCEPTION)")
        return cls(int(m.group(1)), m.group(2).rstrip())

    def body(self, version: str) -> bytes:
        msg = self.message
        if not re.search(r"\([A-Z0-9_]*[A-Z]{3}[A-Z0-9_]*\)$", msg):
            msg = f"{msg.rstrip('.')}. ({ERROR_NAMES.get(self.code, 'UNKNOWN_EXCEPTION')})"
        return f"Code: {self.code}. DB::Exception: {msg} (version {version})\n".encode()


# ---------- formats ----------

_FORMAT_AT_END = re.compile(r"\bFORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*;?\s*$", re.I)
_INSERT_FORMAT = re.compile(r"^\s*(INSERT\s+INTO\s+.*?)\s+FORMAT\s+([A-Za-z][A-Za-z0-9_]*)\s*$", re.I | re.S)
_BINARY_FORMATS = ("rowbinary", "native", "parquet", "arrow", "arrowstream", "orc", "avro", "capnproto",
                   "protobuf", "msgpack", "bsoneachrow", "npy")


def output_format(query: str, default: str) -> str:
    """The format the result is written in: a trailing `FORMAT x` clause, else the default."""
    m = _FORMAT_AT_END.search(query[-200:])
    if m and not query.lstrip()[:6].upper() == "INSERT":
        return m.group(1)
    return default


def split_insert_format(query: str):
    """`INSERT INTO t (cols) [SETTINGS ..] FORMAT Fmt` -> (prefix, Fmt), else None."""
    m = _INSERT_FORMAT.match(query)
    return (m.group(1), m.group(2)) if m else None


def streamed_format(fmt: str) -> bool:
    """Binary input formats, which must be streamed to the engine rather than sent as statement text."""
    return fmt.lower().startswith(_BINARY_FORMATS)


def content_type(fmt: str) -> str:
    f = fmt.lower()
    if f.startswith(("tabseparated", "tsv")):
        return "text/tab-separated-values; charset=UTF-8"
    if f.startswith("csv"):
        return "text/csv; charset=UTF-8; header=" + ("present" if "withnames" in f else "absent")
    if f.startswith("json") or f.startswith("ndjson"):
        return "application/json; charset=UTF-8"
    if f == "xml":
        return "application/xml; charset=UTF-8"
    if f.startswith(_BINARY_FORMATS):
        return "application/octet-stream"
    return "text/plain; charset=UTF-8"


# ---------- users ----------

class Users:
    """Users file: JSON `{"name": {"password": "...", "readonly": bool, "brand": "acme"}, ...}`, optionally
    wrapped in `{"users": {...}}`; `password_sha256_hex` may replace `password`; `brand` makes a read-only
    brand identity that sees only that brand's rows. Without a file: `default`
    (env CLICKHOUSE_PASSWORD, default `brandpulse`) and read-only `analyst`
    (env CLICKHOUSE_READONLY_PASSWORD, default `analyst`)."""

    def __init__(self, path: str | None):
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if isinstance(data, dict) and isinstance(data.get("users"), dict):
                data = data["users"]
            self.users = {str(k): dict(v) for k, v in data.items()}
        elif path:
            raise SystemExit(f"users file not found: {path}")
        else:
            self.users = {
                os.environ.get("CLICKHOUSE_USER", "default"):
                    {"password": os.environ.get("CLICKHOUSE_PASSWORD", "brandpulse"), "readonly": False},
                os.environ.get("CLICKHOUSE_READONLY_USER", "analyst"):
                    {"password": os.environ.get("CLICKHOUSE_READONLY_PASSWORD", "analyst"), "readonly": True},
            }

    def authenticate(self, user: str, password: str) -> bool:
        """True if the credentials are valid."""
        spec = self.users.get(user)
        if spec is None:
            hashlib.sha256(password.encode()).hexdigest()  # same work either way
            return False
        if "password_sha256_hex" in spec:
            return hmac.compare_digest(hashlib.sha256(password.encode()).hexdigest(),
                                       str(spec["password_sha256_hex"]).lower())
        return hmac.compare_digest(password.encode(), str(spec.get("password", "")).encode())

    def readonly(self, user: str) -> bool:
        spec = self.users.get(user, {})
        return bool(spec.get("readonly", False)) or bool(spec.get("brand"))

    def brand(self, user: str) -> str | None:
        """The brand a brand identity (tenant analyst) may see, or None for every other user."""
        b = self.users.get(user, {}).get("brand")
        return str(b) if b else None


def credentials(headers, params: dict) -> tuple[str, str]:
    """User and password the way the server takes them: X-ClickHouse-User/Key headers, HTTP Basic
    auth, or `user`/`password` URL params; `default` with an empty password when none is given."""
    if headers.get("X-ClickHouse-User") is not None or headers.get("X-ClickHouse-Key") is not None:
        return headers.get("X-ClickHouse-User") or "default", headers.get("X-ClickHouse-Key") or ""
    auth = headers.get("Authorization")
    if auth and auth[:6].lower() == "basic ":
        try:
            user, _, pw = base64.b64decode(auth[6:].strip()).decode("utf-8").partition(":")
            return user or "default", pw
        except (ValueError, UnicodeDecodeError):
            raise CHError(AUTHENTICATION_FAILED, "Invalid Basic authentication header. (AUTHENTICATION_FAILED)")
    return params.get("user") or "default", params.get("password") or ""


# ---------- bodies ----------

def decode_body(body: bytes, encoding: str | None) -> bytes:
    enc = (encoding or "").strip().lower()
    if not enc or enc == "identity" or not body:
        return body
    try:
        if enc in ("gzip", "x-gzip"):
            return zlib.decompress(body, 16 + zlib.MAX_WBITS)
        if enc == "deflate":
            return zlib.decompress(body)
    except zlib.error as e:
        raise CHError(BAD_ARGUMENTS, f"Cannot decompress request body ({enc}): {e}. (BAD_ARGUMENTS)")
    raise CHError(UNSUPPORTED_METHOD,
                  f"Unsupported Content-Encoding '{enc}' (this dev server decodes gzip and deflate). (UNSUPPORTED_METHOD)")


def encode_response(body: bytes, accept_encoding: str | None) -> tuple[bytes, str | None]:
    acc = (accept_encoding or "").lower()
    if "gzip" in acc:
        c = zlib.compressobj(3, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        return c.compress(body) + c.flush(), "gzip"
    if "deflate" in acc:
        return zlib.compress(body, 3), "deflate"
    return body, None


def parse_multipart(body: bytes, content_type_header: str) -> dict[str, str]:
    """Minimal multipart/form-data reader for the fields `query` and `param_*` (what the client
    sends when bound parameters are too long for the URL). File parts (external tables) are ignored."""
    m = re.search(r'boundary="?([^";]+)"?', content_type_header)
    if not m:
        raise CHError(BAD_ARGUMENTS, "multipart/form-data without boundary. (BAD_ARGUMENTS)")
    delim = b"--" + m.group(1).encode()
    fields: dict[str, str] = {}
    for part in body.split(delim)[1:]:
        if part.startswith(b"--"):
            break
        head, _, value = part.partition(b"\r\n\r\n")
        nm = re.search(rb'name="([^"]*)"', head)
        if not nm or b"filename=" in head:
            continue
        if value.endswith(b"\r\n"):
            value = value[:-2]
        fields[nm.group(1).decode()] = value.decode("utf-8")
    return fields
