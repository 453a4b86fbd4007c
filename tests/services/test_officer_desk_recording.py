"""Recording from the desk: refused without the caller's consent, recorded and hashed with it."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from console.services.call_recording import CallRecordingService
from console.services.officer_desk import CallChanged, DeskError, Ringing
from tests.services.desk_support import Caller, Recorder, loopback_ice, until
from tests.services.test_officer_desk import make_desk
from tests.signalling.conftest import Harness

pytestmark = pytest.mark.timeout(60)


def test_recording_refused_without_consent(sqlite_url: str) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            desk = make_desk(h)
            rec = Recorder(desk)
            await desk.start()
            _ticket, token = await h.new_ticket()
            citizen = await h.connect(token)
            await citizen.send(
                "call.request", category="neighbour", name="王五", recording_consent=False
            )
            try:
                ring = await rec.wait(Ringing)
                assert desk.call is not None and desk.call.consent is False
                await desk.accept(ring.ticket)
                await rec.call_state("connecting")
                await desk.set_recording(True)
                err = await rec.wait(DeskError)
                assert err.code == "forbidden" and "未同意" in err.message
                assert desk.call.recording is False
                assert not [m for m in citizen.buffer if m["type"] == "call.recording"]
            finally:
                await desk.stop()
                await citizen.close()

    with loopback_ice():
        asyncio.run(main())


def test_recording_with_consent_reaches_the_service_and_the_file_verifies(
    sqlite_url: str, tmp_path: Path
) -> None:
    async def main() -> None:
        async with Harness(sqlite_url) as h:
            service = CallRecordingService(h.store, tmp_path / "media")
            desk = make_desk(h, recording=service)
            rec = Recorder(desk)
            await desk.start()
            caller = await Caller(h.base).start()
            try:
                ring = await rec.wait(Ringing)
                await desk.accept(ring.ticket)
                await rec.call_state("in_call")
                leg = desk.leg
                assert leg is not None
                sink = await until(lambda: leg.sink)
                await sink.wait_frames(10, 15)
                mark = rec.mark()
                await desk.set_recording(True)
                await rec.wait(CallChanged, lambda e: e.call.recording, since=mark)
                assert service.active(ring.ticket) is not None
                got = sink.frames_received
                assert await sink.wait_frames(got + 45, 15) >= got + 45
                mark = rec.mark()
                await desk.set_recording(False)
                await rec.wait(CallChanged, lambda e: not e.call.recording, since=mark)
                # The file is finished, hashed and stored off the loop after the sign goes off.
                assets: list = []
                deadline = asyncio.get_running_loop().time() + 15
                while not assets and asyncio.get_running_loop().time() < deadline:
                    assets = await service.recordings_of(ring.ticket)
                    await asyncio.sleep(0.02)
                [asset] = assets
                assert service.last_result is not None and service.last_result.video_frames > 20
                data = asset.path.read_bytes()
                assert hashlib.sha256(data).hexdigest() == asset.sha256
                assert not [e for e in rec.events if isinstance(e, DeskError)]
                await desk.hangup()
                await rec.call_state("ended", since=mark)
                await caller.finish()
            finally:
                await desk.stop()
                await caller.close()

    with loopback_ice():
        asyncio.run(main())
