"""A second console process for the cross-process test: registers N cases on the given store."""

from __future__ import annotations

import sys

from console.core.codes import DisputeCategory, Role
from console.services import auth
from console.services.cases import CaseService
from console.store.repos.cases import NewCase
from console.store.store import Store


def main(url: str, n: int) -> None:
    store = Store(url)
    try:
        auth.add_user_sync(
            store,
            username="other",
            display_name="另一值班员",
            role=Role.DUTY_OFFICER,
            password="password-456",
        )
        operator = auth.sign_in_sync(store, "other", "password-456")
        service = CaseService(store, operator)
        for i in range(n):
            service.register_sync(NewCase(f"跨进程案件{i}", DisputeCategory.LABOUR, "摘要", None))
    finally:
        store.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
