"""Command line: the GUI by default; db, user, audit, camera, demo-seed and bench commands."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence

from console import __version__
from console.core.codes import Role

LANGS = ("zh_CN", "en")
ROLE_CHOICES = [r.code for r in Role]
BENCHES = (
    "sync",
    "ledger",
    "startup",
    "signalling",
    "call",
    "catalogue",
    "wall",
    "intake",
    "room",
    "map",
    "stats",
)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="console",
        description="四频合一视频指挥台 — video petition intake, mediation rooms, "
        "surveillance wall and case assessment in one console.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    p.add_argument("--demo", action="store_true", help="open the embedded demo workspace")
    p.add_argument("--db", metavar="URL", help="database URL (default: the user data dir)")
    p.add_argument("--lang", choices=LANGS, default=None, help="interface language")
    p.add_argument("--role", choices=ROLE_CHOICES, default=None, help="role (demo) and layout")
    p.add_argument("--screen", type=int, default=None, metavar="N", help="open on monitor N")
    p.add_argument("--fullscreen", action="store_true", help="big-screen full-screen mode")
    p.add_argument("--user", metavar="NAME", help="sign in as this user (asks the password)")
    p.add_argument(
        "--quit-after-shown",
        action="store_true",
        help=argparse.SUPPRESS,  # used by `bench startup` and the screenshot test
    )
    p.add_argument(
        "--janus",
        metavar="URL",
        help="media server for large mediation rooms: a Janus WebSocket, e.g. ws://10.0.0.5:8188/",
    )
    p.add_argument("--screenshots", metavar="DIR", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="database schema: upgrade, current, check")
    db.add_argument("action", choices=("upgrade", "current", "check"))
    db.add_argument("--db", dest="db_url", metavar="URL")

    user = sub.add_parser("user", help="operator accounts")
    user_sub = user.add_subparsers(dest="user_action", required=True, metavar="ACTION")
    add = user_sub.add_parser("add", help="add a local account")
    add.add_argument("username")
    add.add_argument("--role", dest="user_role", choices=ROLE_CHOICES, required=True)
    add.add_argument("--name", dest="display_name", help="display name (default: username)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add.add_argument("--db", dest="db_url", metavar="URL")

    audit = sub.add_parser("audit", help="audit log")
    audit.add_argument("action", choices=("verify",))
    audit.add_argument("--db", dest="db_url", metavar="URL")

    camera = sub.add_parser("camera", help="camera catalogue")
    camera_sub = camera.add_subparsers(dest="camera_action", required=True, metavar="ACTION")
    cam_import = camera_sub.add_parser(
        "import", help="import cameras from a CSV file or a GB/T 28181 Catalog response (XML)"
    )
    cam_import.add_argument("file", metavar="FILE")
    cam_import.add_argument("--db", dest="db_url", metavar="URL")

    seed = sub.add_parser("demo-seed", help="create and seed the demo workspace database")
    seed.add_argument("--db", dest="db_url", metavar="URL")

    bench = sub.add_parser("bench", help="benchmarks; the last line printed is a JSON object")
    bench.add_argument("name", choices=BENCHES)
    bench.add_argument("--cases", type=int, default=1_000_000)
    bench.add_argument("--cameras", type=int, default=30_000, help="catalogue, map: cameras")
    bench.add_argument("--rounds", type=int, default=None)
    bench.add_argument("--db", dest="db_url", metavar="URL")
    bench.add_argument("--clients", type=int, default=500, help="signalling: waiting citizens")
    bench.add_argument("--callers", type=int, default=20, help="intake: simulated callers")
    bench.add_argument("--calls", type=int, default=None, help="call: number of calls")
    bench.add_argument(
        "--seconds", type=float, default=10.0, help="call: seconds per call; wall: per phase"
    )
    bench.add_argument(
        "--risk-points", type=int, default=10_000, help="map: risk points (cases on the map)"
    )
    bench.add_argument("--tiles", type=int, default=36, help="wall: live tiles (16, 36, 64)")
    bench.add_argument(
        "--source",
        default="file",
        help="wall: file (clips paced by the decoders) or rtsp (the same clips from a "
        "loopback RTSP server)",
    )
    bench.add_argument(
        "--ice-interface", action="append", default=None, help="call: ICE interface (repeatable)"
    )
    bench.add_argument("--mesh", type=int, default=None, help="room: participants in a mesh room")
    bench.add_argument(
        "--janus", type=int, default=None, help="room: participants through a real Janus"
    )

    caller = sub.add_parser("demo-caller", help="a simulated citizen who joins the queue")
    caller.add_argument("caller_args", nargs=argparse.REMAINDER)
    return p


def _db_url(args: argparse.Namespace, *, demo: bool = False) -> str:
    from console.core.paths import default_db_url

    return getattr(args, "db_url", None) or args.db or default_db_url(demo)


def cmd_db(args: argparse.Namespace) -> int:
    from console.store import migrate

    url = _db_url(args)
    try:
        if args.action == "upgrade":
            _ensure_parent(url)
            result = migrate.upgrade(url)
            if result.before == result.after:
                print(f"already at {result.after}")
            else:
                print(f"upgraded {result.before or 'empty'} -> {result.after}")
                if result.backup:
                    print(f"backup: {result.backup}")
        elif args.action == "current":
            print(migrate.current_revision(url) or "empty (no schema)")
            print(f"head: {migrate.head_revision()}")
        else:
            diff = migrate.check_drift(url)
            if diff:
                print(f"schema drift: {diff}", file=sys.stderr)
                return 1
            print("no drift: models and migrations agree")
    except migrate.DatabaseRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    from console.core.passwords import WeakPassword
    from console.services import auth
    from console.store import migrate
    from console.store.repos.users import UserExists
    from console.store.store import Store

    url = _db_url(args)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    try:
        _ensure_parent(url)
        migrate.upgrade(url)
        store = Store(url)
        try:
            rec = auth.add_user_sync(
                store,
                username=args.username,
                display_name=args.display_name or args.username,
                role=Role(args.user_role),
                password=password,
            )
        finally:
            store.close()
    except (migrate.DatabaseRefused, WeakPassword, UserExists) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"user {rec.username} ({rec.role.code}) created, id {rec.id}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from console.services import audit
    from console.store import migrate
    from console.store.store import Store

    url = _db_url(args)
    try:
        migrate.inspect_file(url)
    except migrate.DatabaseRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store = Store(url)
    try:
        problems = audit.verify_sync(store)
        total = audit.count_sync(store)
    finally:
        store.close()
    if problems:
        for p in problems:
            print(f"row {p.seq}: {p.reason}")
        print(f"audit log BROKEN: {len(problems)} problem(s) in {total} rows", file=sys.stderr)
        return 1
    print(f"audit log intact: {total} rows, chain verified")
    return 0


def cmd_camera(args: argparse.Namespace) -> int:
    """Exit 0 when any camera was imported (or already up to date), 2 when none could be."""
    from pathlib import Path

    from console.core.camera_catalog import CatalogFormatError
    from console.services.catalogue import CatalogueService
    from console.store import migrate
    from console.store.store import Store

    url = _db_url(args)
    try:
        _ensure_parent(url)
        migrate.upgrade(url)
        store = Store(url)
        try:
            report = CatalogueService(store, None).import_file_sync(Path(args.file))
        finally:
            store.close()
    except (migrate.DatabaseRefused, CatalogFormatError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    for problem in report.problems:
        print(f"  {problem.text()}")
    return 0 if report.imported else 2


def cmd_demo_seed(args: argparse.Namespace) -> int:
    from console.services.workspace import prepare_demo

    url = _db_url(args, demo=True)
    counts = prepare_demo(url)
    print(counts)
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from console.bench import run

    return run(args)


def _ensure_parent(url: str) -> None:
    from console.store.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:1] == ["demo-caller"]:
        # The caller has its own options; hand them over untouched.
        from console.services.demo_caller import main_demo_caller

        return main_demo_caller(words[1:])
    args = build_parser().parse_args(words)
    os.environ.setdefault("QT_API", "pyside6")
    handlers = {
        "db": cmd_db,
        "user": cmd_user,
        "audit": cmd_audit,
        "camera": cmd_camera,
        "demo-seed": cmd_demo_seed,
        "bench": cmd_bench,
    }
    if args.command in handlers:
        return handlers[args.command](args)
    from console.app import run_gui

    return run_gui(args, db_url=_db_url(args, demo=args.demo))


if __name__ == "__main__":
    sys.exit(main())
