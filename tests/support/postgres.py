"""Pytest plugin: a throwaway PostgreSQL cluster per test session, fresh databases per test."""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import TupleRow

APT_HINT = "apt-get install postgresql (or run: bash packaging/setup.sh test)"
USER = "console"
TEST_DATABASE = "console_test"
# Durability is worthless for a cluster that is deleted after the run; skipping it
# makes CREATE DATABASE and commits much faster.
SERVER_OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
START_ATTEMPTS = 3


@dataclass(frozen=True)
class PgServer:
    """A running throwaway cluster: trust auth for USER on 127.0.0.1:port."""

    host: str
    port: int
    user: str

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of one database on this server."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    def admin_connection(self) -> psycopg.Connection[TupleRow]:
        """Autocommit connection to the maintenance database, for CREATE/DROP DATABASE."""
        return psycopg.connect(
            host=self.host, port=self.port, user=self.user, dbname="postgres", autocommit=True
        )


def libpq_url(url: str) -> str:
    """Turn a SQLAlchemy `postgresql+psycopg://` URL into one psycopg.connect() accepts."""
    return re.sub(r"^postgresql\+psycopg://", "postgresql://", url)


def find_pg_bin() -> Path:
    """Newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl."""
    candidates = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        version = bindir.parent.name
        if version.isdigit() and (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            candidates.append((int(version), bindir))
    if not candidates:
        pytest.fail(
            f"PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; {APT_HINT}",
            pytrace=False,
        )
    return max(candidates)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _as_cluster_owner() -> list[str]:
    """Command prefix that runs a tool as the cluster's owner: initdb refuses to run as root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        pytest.fail("runuser (util-linux) is needed to run PostgreSQL as root", pytrace=False)
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail(f"running as root but there is no 'postgres' user; {APT_HINT}", pytrace=False)
    return ["runuser", "-u", "postgres", "--"]


def _clean_env() -> dict[str, str]:
    """The environment minus PG* (PGPORT, PGDATA… would override our flags) and LC_*."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PG", "LC_"))}


def _run(cmd: list[str], cwd: Path, what: str, log: Path | None = None) -> None:
    # cwd is the cluster's own directory: as root, the caller's cwd (e.g. /root) may be
    # unreadable for the postgres user, and initdb/postgres complain about it.
    proc = subprocess.run(cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        detail = proc.stdout + proc.stderr
        if log is not None and log.exists():
            detail += "\n--- server log ---\n" + log.read_text(errors="replace")[-4000:]
        pytest.fail(f"{what} failed ({proc.returncode}): {' '.join(cmd)}\n{detail}", pytrace=False)


def _initdb(prefix: list[str], bindir: Path, workdir: Path, datadir: Path) -> None:
    base = [*prefix, str(bindir / "initdb"), "-D", str(datadir), "-A", "trust", "-U", USER]
    base += ["--encoding=UTF8", "--no-sync"]
    proc = subprocess.run(
        [*base, "--locale=C.UTF-8"], cwd=workdir, env=_clean_env(), capture_output=True, text=True
    )
    if proc.returncode == 0:
        return
    # Minimal images may lack the C.UTF-8 locale; plain C still stores UTF-8 text.
    shutil.rmtree(datadir, ignore_errors=True)
    _run([*base, "--locale=C"], workdir, "initdb")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Start a PostgreSQL cluster in a temp dir for the session; stop and delete it after."""
    bindir = find_pg_bin()
    prefix = _as_cluster_owner()
    # Not pytest's tmp_path: that lives under a 0700 root-owned dir the postgres user
    # cannot enter. A short path also keeps the Unix socket path under its 107-byte limit.
    workdir = Path(tempfile.mkdtemp(prefix="console-pg-", dir="/tmp"))
    datadir, log = workdir / "data", workdir / "postgres.log"
    pg_ctl = [*prefix, str(bindir / "pg_ctl"), "-D", str(datadir)]
    started = False
    try:
        if prefix:
            shutil.chown(workdir, user="postgres", group="postgres")
        _initdb(prefix, bindir, workdir, datadir)
        port = 0
        for attempt in range(1, START_ATTEMPTS + 1):
            # The port can be taken between probing and binding; retry with another one.
            port = _free_port()
            opts = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} {SERVER_OPTIONS}"
            cmd = [*pg_ctl, "-l", str(log), "-w", "-t", "60", "-o", opts, "start"]
            proc = subprocess.run(
                cmd, cwd=workdir, env=_clean_env(), capture_output=True, text=True
            )
            if proc.returncode == 0:
                started = True
                break
            if attempt == START_ATTEMPTS:
                tail = log.read_text(errors="replace")[-4000:] if log.exists() else ""
                pytest.fail(
                    f"pg_ctl start failed: {proc.stdout}{proc.stderr}\n--- server log ---\n{tail}",
                    pytrace=False,
                )

        server = PgServer(host="127.0.0.1", port=port, user=USER)
        with server.admin_connection() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEST_DATABASE)))
        yield server
    finally:
        try:
            if started:
                # Immediate mode: no checkpoint, the data is thrown away anyway.
                _run([*pg_ctl, "stop", "-m", "immediate", "-w"], workdir, "pg_ctl stop", log)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url(pg_server: PgServer) -> str:
    """SQLAlchemy URL of the session's `console_test` database."""
    return pg_server.url(TEST_DATABASE)


@pytest.fixture
def pg_fresh_db(pg_server: PgServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database for one test; its SQLAlchemy URL. Dropped afterwards."""
    # The test name in the database name makes leftovers and server logs readable.
    slug = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower()).strip("_")[:40]
    dbname = f"t_{slug}_{uuid.uuid4().hex[:8]}"
    with pg_server.admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
    try:
        yield pg_server.url(dbname)
    finally:
        # FORCE: a test that leaked a connection must not make the drop fail or hang.
        with pg_server.admin_connection() as conn, contextlib.suppress(psycopg.Error):
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname))
            )
