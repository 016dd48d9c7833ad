"""What read-only users may do on this dev front, and the per-brand (tenant) filters.

The engine enforces most of it: a read-only user's query runs on a fresh chDB connection opened with
`readonly=1` and the settings below in its connection string, so the query itself cannot change any
setting (`SET`/`SETTINGS` -> 164 READONLY) and chDB refuses file(), url(), s3(), remote(), executable()
... table functions under readonly=1. What the engine does NOT refuse under readonly=1, and chDB has no
grants to refuse it with, the front refuses after parsing the query WITH THE ENGINE (formatQuery and
EXPLAIN AST, not a regex over the user's text), with 497 ACCESS_DENIED:

- more than one statement in a request (chDB would run them all; clickhouse-server refuses them);
- KILL QUERY (chDB runs every query as one user, so it could kill the writers' queries), SYSTEM (readonly=1
  lets SYSTEM STOP MERGES through), UNDROP, and every statement kind not reviewed below;
- SELECT ... INTO OUTFILE (chDB writes the file on the host);
- table functions outside an allow-list (merge() and mergeTreeIndex() bypass the per-brand filters,
  python() reads objects of this process), the file() *function* (reads any host file in chDB);
- for brand identities: an explicit PREWHERE (evaluated before `additional_table_filters`, so an
  error in it, e.g. throwIf(), would reveal other brands' rows).

Settings a read-only user sends are checked against READONLY_SETTINGS and LIMITS, read from
infra/clickhouse/server/readonly-settings.json, the file clickhouse-server's `changeable_in_readonly`
constraints are generated from too (users.xml): a limit may be lowered, never lifted or set to 0.
"""
from __future__ import annotations

import json
import os
import re

from protocol import CHError

READONLY = 164
ACCESS_DENIED = 497
SETTING_CONSTRAINT_VIOLATION = 452

# Defaults, caps and changeable settings for read-only users: one file for both stacks (the analyst
# profile of infra/clickhouse/server/users.xml is generated from it too).
SETTINGS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clickhouse", "server",
                             "readonly-settings.json")
with open(SETTINGS_FILE, encoding="utf-8") as _f:
    _spec = json.load(_f)
# name -> (min, max) for numeric limits a read-only user may lower but not lift.
LIMITS: dict[str, tuple[float, float]] = {n: (float(v["min"]), float(v["max"])) for n, v in _spec["limits"].items()}
MAX_EXECUTION_TIME = _spec["limits"]["max_execution_time"]["max"]  # a writer waits at most this long behind one
READONLY_SETTINGS = set(LIMITS) | set(_spec["changeable"])
# What every read-only query runs with unless the user lowers it.
DEFAULTS = {**{n: str(v["default"]) for n, v in _spec["limits"].items()},
            **{n: str(v) for n, v in _spec["defaults"].items()}, "allow_introspection_functions": "0"}
# Forced for brand identities: the user's WHERE must not be moved before the brand filter.
TENANT_FORCED = {"optimize_move_to_prewhere": "0", "optimize_move_to_prewhere_if_final": "0"}

# Table functions: SAFE ones run; ENGINE_REFUSED ones are left to the engine in SELECT and INSERT, where
# it refuses them under readonly=1 with 164 READONLY (checked in test/int/clickhouse-readonly.int.test.ts),
# and refused here elsewhere (DESCRIBE file()/url() infers the schema by reading the file or fetching the
# URL, which readonly=1 allows); any other name is refused here (fail closed: a table function added by a
# newer chDB is refused until reviewed).
SAFE_TABLE_FUNCTIONS = {"numbers", "numbers_mt", "generaterandom", "generate_series", "generateseries",
                        "values", "view", "null", "primes"}
ENGINE_REFUSED_TABLE_FUNCTIONS = {
    "file", "url", "s3", "remote", "remotesecure", "mysql", "postgresql", "sqlite", "jdbc", "odbc", "hdfs",
    "azureblobstorage", "executable", "mongodb", "redis", "format", "loop", "dictionary", "filesystem",
    "ytsaurus", "viewexplain", "zeros", "zeros_mt",
}
# Statements, by the root node of EXPLAIN AST: the SAFE ones run; the ENGINE_REFUSED ones are left to the
# engine's 164 READONLY; anything else (SYSTEM, KILL, UNDROP, CHECK, BACKUP, ATTACH, access management...)
# is refused here: readonly=1 in chDB lets SYSTEM STOP MERGES and UNDROP through.
SAFE_STATEMENTS = {
    "SelectWithUnionQuery", "ShowTables", "ShowColumns", "ShowCreateTableQuery", "ShowFunctions", "ShowIndexes",
    "DescribeQuery", "ExistsTableQuery", "ExistsDatabaseQuery", "UseQuery", "Set", "Explain", "ShowEngineQuery",
    "ShowProcesslistQuery", "ShowPrivilegesQuery",
}
ENGINE_REFUSED_STATEMENTS = {
    "InsertQuery", "CreateQuery", "DropQuery", "TruncateQuery", "AlterQuery", "Rename", "OptimizeQuery",
    "DeleteQuery", "DetachQuery", "CreateSQLFunctionQuery", "DropFunctionQuery",
}
DENIED_FUNCTIONS = {"file", "catboostevaluate", "joinget", "joingetornull"}
DENIED_FUNCTION_PREFIXES = ("dictget", "dicthas", "dictisin")

# System tables a brand identity may read: catalogue and static tables, no row data of any table.
# Every other system table reads as empty for it (additional_table_filters '0').
TENANT_SYSTEM_TABLES = {
    "one", "numbers", "numbers_mt", "zeros", "zeros_mt", "databases", "tables", "columns", "functions",
    "table_functions", "formats", "data_type_families", "time_zones", "settings", "table_engines",
    "aggregate_function_combinators", "keywords", "collations",
}

_INTO_OUTFILE = re.compile(r"\bINTO\s+OUTFILE\b", re.I)
_PREWHERE = re.compile(r"(?:^|\n)\s*PREWHERE\b")
_AST_LINE = re.compile(r"^( *)(\S+)(?: (\S+))?")


def check_settings(user: str, settings: dict[str, str]) -> dict[str, str]:
    """The settings a read-only user's query runs with: DEFAULTS, then the user's, which must be in
    READONLY_SETTINGS and within LIMITS (errors as clickhouse-server's constraints give them)."""
    out = dict(DEFAULTS)
    for name, value in settings.items():
        if name not in READONLY_SETTINGS:
            raise CHError(READONLY, f"{user}: Cannot modify '{name}' setting in readonly mode. (READONLY)")
        if name in LIMITS:
            lo, hi = LIMITS[name]
            try:
                v = float(value)
            except ValueError:
                raise CHError(SETTING_CONSTRAINT_VIOLATION, f"Setting {name} has an invalid value '{value}'. "
                              "(SETTING_CONSTRAINT_VIOLATION)")
            if v > hi:
                raise CHError(SETTING_CONSTRAINT_VIOLATION, f"Setting {name} shouldn't be greater than {hi:g}. "
                              "(SETTING_CONSTRAINT_VIOLATION)")
            if v < lo:  # 0 means "unlimited" for these settings
                raise CHError(SETTING_CONSTRAINT_VIOLATION, f"Setting {name} shouldn't be less than {lo:g}. "
                              "(SETTING_CONSTRAINT_VIOLATION)")
        out[name] = value
    return out


def _denied(user: str, what: str) -> CHError:
    return CHError(ACCESS_DENIED, f"{user}: Not enough privileges. {what} (ACCESS_DENIED)")


def check_statement(user: str, formatted: str, ast: str, tenant: bool) -> None:
    """Refuses what the engine allows under readonly=1 but a read-only user must not do. `formatted`
    is the engine's formatQuery() of the statement (which also proved it is ONE statement), `ast` its
    EXPLAIN AST output."""
    lines = ast.splitlines()
    root = _AST_LINE.match(lines[0]).group(2) if lines else ""
    if root == "KillQueryQuery":
        raise _denied(user, "To execute this query, it's necessary to have the grant KILL QUERY ON *.*, "
                            "which read-only users of this server do not have.")
    if root not in SAFE_STATEMENTS and root not in ENGINE_REFUSED_STATEMENTS:
        raise _denied(user, f"{root} statements are not allowed for read-only users of this server.")
    if _INTO_OUTFILE.search(formatted):  # chDB would write the file on the host
        raise _denied(user, "INTO OUTFILE is not allowed for read-only users of this server.")
    parents: list[tuple[int, str]] = []
    for line in lines:
        m = _AST_LINE.match(line)
        if not m:
            continue
        depth, node, name = len(m.group(1)), m.group(2), (m.group(3) or "")
        while parents and parents[-1][0] >= depth:
            parents.pop()
        parent = parents[-1][1] if parents else ""
        parents.append((depth, node))
        if node != "Function":
            continue
        fn = name.lower()
        if parent in ("TableExpression", "InsertQuery"):
            if fn in SAFE_TABLE_FUNCTIONS:
                continue
            if fn in ENGINE_REFUSED_TABLE_FUNCTIONS and root in ("SelectWithUnionQuery", "InsertQuery"):
                continue  # the engine refuses these with 164, but only when it runs or writes them:
                # DESCRIBE file(...)/url(...) would infer the schema, reading the file or the URL
            raise _denied(user, f"Table function {name}() is not allowed for read-only users of this server "
                                f"(allowed: {', '.join(sorted(SAFE_TABLE_FUNCTIONS))}).")
        if fn in DENIED_FUNCTIONS or fn.startswith(DENIED_FUNCTION_PREFIXES):
            raise _denied(user, f"Function {name}() is not allowed for read-only users of this server.")
    if tenant and _PREWHERE.search(formatted):
        raise _denied(user, "PREWHERE is not allowed for brand identities on this server (it would run "
                            "before the brand filter); use WHERE.")


def _quote(s: str) -> str:
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


def tenant_filters(brand: str, tables: list[tuple[str, str, int]], system_tables: list[str]) -> str:
    """additional_table_filters for a brand identity, as a ClickHouse Map literal keyed by
    `database.table`: every table or view with a `brand` column shows only that brand's rows, every
    other one (and every system table not in TENANT_SYSTEM_TABLES) shows none. `tables` is
    (database, table, has_brand_column) for every non-system table, read in the same engine turn as
    the query, so a table created a moment ago is covered too."""
    parts = []
    brand_filter = f"brand = {_quote(brand)}"
    for db, table, has_brand in tables:
        parts.append(f"{_quote(f'{db}.{table}')}:{_quote(brand_filter if has_brand else '0')}")
    for table in system_tables:
        if table not in TENANT_SYSTEM_TABLES:
            parts.append(f"{_quote(f'system.{table}')}:{_quote('0')}")
    return "{" + ",".join(parts) + "}"
