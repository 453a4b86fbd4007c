"""Service-test fixtures: signed-in operators of each role, cameras with streams, a case."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pytest

from console.core.codes import CameraStatus, DisputeCategory, Role
from console.core.records import CameraRecord
from console.services import auth
from console.services.cases import CaseService
from console.services.operator import Operator
from console.store.models import Camera
from console.store.repos import cameras
from console.store.repos.cases import NewCase
from console.store.store import Store

# The real RTSP server fixtures of the media tests, for the evidence tests.
from tests.media.conftest import closed_port, rtsp_available, start_rtsp  # noqa: F401


@dataclass
class People:
    duty: Operator
    supervisor: Operator


@pytest.fixture
def people(store: Store) -> People:
    made = {}
    for username, role in (("duty", Role.DUTY_OFFICER), ("boss", Role.SUPERVISOR)):
        made[username] = Operator(
            auth.add_user_sync(
                store, username=username, display_name=username, role=role, password="pass-word-123"
            )
        )
    return People(made["duty"], made["boss"])


def add_camera(store: Store, device_id: str, url: str, *, sensitive: bool = False) -> CameraRecord:
    def op(session):  # type: ignore[no-untyped-def]
        camera = Camera(
            device_id=device_id,
            name=f"测试点位{device_id[-2:]}",
            status=CameraStatus.ONLINE.code,
            sub_url=url,
            main_url=url,
            sensitive=sensitive,
        )
        session.add(camera)
        session.flush()
        return camera.id, None

    camera_id, _ = store.write_sync(op)
    return store.read_sync(partial(cameras.by_ids, ids=[camera_id]))[0]


@pytest.fixture
def case_id(store: Store, people: People) -> int:
    new = NewCase("监控取证测试", DisputeCategory.NEIGHBOUR, "邻里纠纷", None)
    return CaseService(store, people.duty).register_sync(new)[0]
