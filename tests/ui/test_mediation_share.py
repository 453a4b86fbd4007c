"""The room screen's Share menu: the screen, then a document page, then the camera again.

A real signalling server on loopback and the mediator's real desk: the menu's actions switch
what the desk sends (grabbed screens at a few per second, a page picture), the server hears
of it, the mediator's own tile previews what is shared, and an unreadable file is refused in
words.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from console.core.codes import Role
from console.services.room_desk import RoomDesk
from console.ui.mediation.room_view import RoomView
from tests.clients.support import make_server
from tests.ui.conftest import run_scenario, until

pytestmark = pytest.mark.timeout(120)


def _page(path: Path, colour: str) -> Path:
    image = QImage(1240, 1754, QImage.Format.Format_RGB32)  # an A4 scan at 150 dpi
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def _centre_bgr(desk: RoomDesk) -> tuple[int, ...]:
    frame = desk.local_slot.peek() if desk.local_slot is not None else None
    if frame is None:
        return ()
    h, w = frame.image.shape[:2]
    return tuple(int(c) for c in frame.image[h // 2, w // 2, :3])


def test_share_menu_shares_the_screen_then_a_page_then_stops(  # type: ignore[no-untyped-def]
    qtbot, qloop, tmp_path: Path
) -> None:
    server = make_server(web_root=None)

    async def scenario() -> None:
        port = await server.start("127.0.0.1", 0)
        desk = RoomDesk(
            base_url=f"http://127.0.0.1:{port}",
            token_provider=lambda: server.staff_token(7, Role.MEDIATOR, "周调解员"),
            name="周调解员",
            video_size=(320, 240),
        )
        view = RoomView(desk, "共享测试")
        qtbot.addWidget(view)
        view.resize(1200, 700)
        view.show()
        try:
            await desk.join("R-share")
            await until(lambda: desk.seat.me != "" and desk.local_slot is not None, 15)
            track = desk.share_track
            assert track is not None
            actions = view.share_button.menu().actions()
            assert view.share_screen_action in actions and view.stop_share_action in actions
            assert not view.stop_share_action.isEnabled()

            # Share the screen: grabs go out a few times a second, the server knows.
            view.share_screen_action.trigger()
            await until(lambda: track.pictures_pushed >= 3 and track.frames_shared >= 3, 15)
            await until(lambda: desk.seat.sharing is not None, 15)
            assert desk.seat.sharing is not None and desk.seat.sharing.kind == "screen"
            assert desk.seat.sharing.participant == desk.seat.me
            assert view._screen_timer.isActive()
            assert "Sharing your screen" in view.share_sign.text()
            assert view.stop_share_action.isEnabled()
            assert view.tiles[0].title == "Me · what I share"

            # A file that is no picture is refused in words; the screen share carries on.
            bogus = tmp_path / "协议.png"
            bogus.write_bytes(b"not a png at all" * 64)
            assert view.share_document(bogus) is False
            assert "协议.png" in view.notice.text() and view._screen_timer.isActive()

            # A document page replaces the screen; the preview shows the page's colour.
            assert view.share_document(_page(tmp_path / "第1页.png", "#1e90ff"))
            await until(
                lambda: desk.seat.sharing is not None and desk.seat.sharing.kind == "document", 15
            )
            assert desk.seat.sharing is not None and desk.seat.sharing.title == "第1页.png"
            assert not view._screen_timer.isActive()
            assert "第1页.png" in view.share_sign.text()
            # The portrait page goes out at 1280×720's height, its own shape.
            await until(lambda: track.last_sent_size == (508, 720), 15)
            await until(lambda: _centre_bgr(desk)[:3] and _centre_bgr(desk)[0] > 200, 15)

            # Stop: the camera again, everywhere.
            view.stop_share_action.trigger()
            await until(lambda: desk.seat.sharing is None and track.last_sent_kind == "camera", 15)
            assert desk.sharing is None and view.share_sign.text() == ""
            assert not view.stop_share_action.isEnabled()
            assert track.last_sent_size == (320, 240)
        finally:
            await asyncio.wait_for(view.close_room(), 10)
            await asyncio.wait_for(server.stop(), 10)

    run_scenario(qloop, scenario())
