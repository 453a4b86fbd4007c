"""The throwaway PostgreSQL fixtures start a real server that answers queries and NOTIFY."""

from __future__ import annotations

import psycopg

from tests.support.postgres import TEST_DATABASE, libpq_url


def test_server_answers_select_1(pg_url: str) -> None:
    with psycopg.connect(libpq_url(pg_url)) as conn:
        row = conn.execute("select 1, current_database(), current_user").fetchone()
        encoding = conn.execute("show server_encoding").fetchone()
    assert row == (1, TEST_DATABASE, "console")
    assert encoding == ("UTF8",)


def test_listen_notify_round_trip(pg_fresh_db: str, pg_url: str) -> None:
    assert pg_fresh_db != pg_url
    channel, payload = "store_changes", '{"case": 42, "title": "四频合一"}'
    # Two connections, as two consoles would have: one only listens, one writes. A
    # connection that iterates notifies() must not also run queries (NOTES-ENV).
    with (
        psycopg.connect(libpq_url(pg_fresh_db), autocommit=True) as listener,
        psycopg.connect(libpq_url(pg_fresh_db), autocommit=True) as notifier,
    ):
        listener.execute(f"LISTEN {channel}")
        notifier_pid = notifier.info.backend_pid
        notifier.execute("select pg_notify(%s, %s)", (channel, payload))
        received = list(listener.notifies(timeout=5.0, stop_after=1))
    assert [(n.channel, n.payload, n.pid) for n in received] == [(channel, payload, notifier_pid)]
