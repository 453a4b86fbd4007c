"""The command line as a user runs it: version, usage errors, db, user and refusals of bad files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from console import __version__
from console.services import auth
from console.store.store import Store


def console(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version() -> None:
    out = console("--version")
    assert out.returncode == 0 and __version__ in out.stdout


def test_invalid_arguments_show_usage() -> None:
    for args in (["--lang", "fr"], ["--screen", "two"], ["db", "explode"], ["--no-such-flag"]):
        out = console(*args)
        assert out.returncode == 2, args
        assert "usage:" in out.stderr, args


def test_db_upgrade_current_check(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    out = console("db", "current", "--db", url)
    assert out.returncode == 0 and "empty" in out.stdout
    out = console("db", "upgrade", "--db", url)
    assert out.returncode == 0 and "upgraded" in out.stdout
    out = console("db", "upgrade", "--db", url)
    assert out.returncode == 0 and "already at" in out.stdout
    out = console("db", "check", "--db", url)
    assert out.returncode == 0 and "no drift" in out.stdout


def test_user_add_then_sign_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.sqlite'}"
    out = console(
        "user",
        "add",
        "wangmin",
        "--role",
        "duty_officer",
        "--name",
        "王敏",
        "--password-stdin",
        "--db",
        url,
        stdin="s3cret-pass\n",
    )
    assert out.returncode == 0, out.stderr
    again = console(
        "user",
        "add",
        "wangmin",
        "--role",
        "mediator",
        "--password-stdin",
        "--db",
        url,
        stdin="another-pass\n",
    )
    assert again.returncode == 2 and "已存在" in again.stderr
    weak = console(
        "user", "add", "li", "--role", "mediator", "--password-stdin", "--db", url, stdin="123\n"
    )
    assert weak.returncode == 2 and "8" in weak.stderr
    store = Store(url)
    try:
        op = auth.sign_in_sync(store, "wangmin", "s3cret-pass")
        assert op.name == "王敏"
        try:
            auth.sign_in_sync(store, "wangmin", "wrong")
        except auth.SignInFailed:
            pass
        else:
            raise AssertionError("a wrong password signed in")
    finally:
        store.close()
    audit = console("audit", "verify", "--db", url)
    assert audit.returncode == 0, audit.stdout + audit.stderr


def test_gui_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    f = tmp_path / "photo.sqlite"
    f.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 4000)
    before = f.read_bytes()
    out = console("--db", f"sqlite:///{f}")
    assert out.returncode == 2
    assert "不是数据库文件" in out.stderr
    assert f.read_bytes() == before
    assert "Traceback" not in out.stderr


def test_demo_caller_takes_its_own_options() -> None:
    out = console("demo-caller", "--help")
    assert out.returncode == 0 and "--seconds" in out.stdout


def test_demo_caller_without_a_server_says_so() -> None:
    out = console("demo-caller", "--url", "http://127.0.0.1:9", "--timeout", "5")
    assert out.returncode == 2
    assert "cannot reach the signalling server" in out.stderr
    assert "Traceback" not in out.stderr
