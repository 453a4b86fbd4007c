"""The media helpers: barcode round trip, explicit ICE configuration, the interface allow-list."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from console.media import peer


@pytest.mark.parametrize("value", [0, 1, 255, 4097, 65535])
def test_barcode_round_trips_in_luma_and_bgra(value: int) -> None:
    y = np.full((480, 640), 110, np.uint8)
    peer.stamp_counter(y, value)
    assert peer.read_counter(y) == value
    bgra = np.repeat(y[:, :, None], 4, axis=2)[::2, ::2]  # half size, as a tile would paint
    assert peer.read_counter(bgra) == value
    assert peer.read_counter(np.full((480, 640), 110, np.uint8)) is None


def test_peer_connection_never_gets_default_stun() -> None:
    async def servers() -> tuple[list[object], list[object]]:
        bare = peer.make_peer_connection()
        turn = peer.make_peer_connection(
            [{"urls": "turn:10.0.0.1:3478", "username": "u", "credential": "c"}]
        )
        try:
            # aiortc has no public getter; without a configuration it would hold Google STUN.
            return (
                list(bare._RTCPeerConnection__configuration.iceServers),  # type: ignore[attr-defined]
                list(turn._RTCPeerConnection__configuration.iceServers),  # type: ignore[attr-defined]
            )
        finally:
            await bare.close()
            await turn.close()

    bare, turn = asyncio.run(servers())
    assert bare == []
    assert [s.urls for s in turn] == ["turn:10.0.0.1:3478"]  # type: ignore[attr-defined]


def test_interface_allow_list() -> None:
    import aioice.ice

    try:
        peer.set_ice_interfaces(["lo"])
        assert aioice.ice.get_host_addresses(True, False) == ["127.0.0.1"]
        peer.set_ice_interfaces(["no-such-interface"])
        assert aioice.ice.get_host_addresses(True, True) == []
    finally:
        peer.set_ice_interfaces(None)
    assert "127.0.0.1" not in aioice.ice.get_host_addresses(True, False)


def test_generated_tracks_stamp_and_pace() -> None:
    async def frames() -> tuple[list[int | None], int]:
        video, audio = peer.GeneratedVideoTrack(640, 360, 30), peer.GeneratedAudioTrack()
        try:
            got = []
            for _ in range(3):
                f = await video.recv()
                got.append(peer.read_counter(f.to_ndarray(format="bgra")))
            a = await audio.recv()
            return got, a.samples
        finally:
            video.stop()
            audio.stop()

    got, samples = asyncio.run(frames())
    assert got == [0, 1, 2]
    assert samples == 960
