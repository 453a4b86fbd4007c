"""The other console process of `console bench sync`: registers N cases at a steady interval."""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Sequence

from console.core.codes import DisputeCategory, Role
from console.services import auth
from console.services.cases import CaseService
from console.store.repos.cases import NewCase
from console.store.store import Store


def main(argv: Sequence[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m console.bench.xproc_writer URL N INTERVAL_S", file=sys.stderr)
        return 2
    url, n, interval = argv[0], int(argv[1]), float(argv[2])
    store = Store(url)
    try:
        username = f"bench-xproc-{os.getpid()}"
        password = secrets.token_urlsafe(12)
        auth.add_user_sync(
            store,
            username=username,
            display_name="跨进程基准值班员",
            role=Role.DUTY_OFFICER,
            password=password,
        )
        service = CaseService(store, auth.sign_in_sync(store, username, password))
        # A steady schedule rather than sleep(interval) after each write, so a slow commit
        # does not stretch the run; each commit stamps its own wall-clock time.
        next_at = time.monotonic()
        for i in range(n):
            service.register_sync(
                NewCase(
                    title=f"跨进程基准案件{i:04d} 劳务费结算",
                    category=DisputeCategory.LABOUR,
                    summary="另一台指挥台登记的案件，本台账应在数百毫秒内显示。",
                    grid_id=None,
                )
            )
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        print(f"xproc writer: registered {n} cases", flush=True)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
