"""The composition root: the one module that wires store, services and screens together."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from console import exit_guard
from console.core.codes import Role
from console.store import migrate
from console.store.engine import make_url_label

log = logging.getLogger("console")

SCREENSHOT_SETTLE_S = 2.5
SCREENSHOT_PAGE_SETTLE_S = 2.0
WORKER_THREADS = 4
"""Threads for blocking work the loop hands off (hashes, file finishing, snapshots)."""


def run_gui(args: argparse.Namespace, *, db_url: str) -> int:
    started = time.perf_counter()
    os.environ.setdefault("QT_API", "pyside6")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    from console.services import workspace

    try:
        if args.demo:
            workspace.prepare_demo(db_url)
        else:
            workspace.open_store_schema(db_url)
    except migrate.DatabaseRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from console.services import auth, capture_devices
    from console.services.agreements import AgreementService
    from console.services.alerts import AlertService
    from console.services.assessment import AssessmentServices
    from console.services.catalogue import CatalogueService
    from console.services.evidence import EvidenceService
    from console.services.intake import IntakeService
    from console.services.live_wall import LiveWallService
    from console.services.masks import MaskService
    from console.services.mediation import MediationService
    from console.services.registration import RegistrationService
    from console.services.ringer import Ringer
    from console.services.surveillance import SurveillanceService
    from console.services.wall_views import WallViewService
    from console.store.store import Store
    from console.store.tailer import ChangeTailer
    from console.ui import i18n, theme
    from console.ui.assessment.panel import AssessmentPanel
    from console.ui.assessment.walkthrough import Slide, SlideKind
    from console.ui.feed_bridge import FeedBridge
    from console.ui.intake.panel import IntakePanel
    from console.ui.intake.registration_form import RegistrationForm
    from console.ui.main_window import MainWindow, Screen
    from console.ui.mediation.panel import MediationPanel
    from console.ui.sign_in_dialog import SignInDialog
    from console.ui.wall.panel import WallPanel
    from console.ui.widgets.live_camera_view import LiveCameraView

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("four-in-one-console")
    # Closing the window ends `lifetime`, which then shuts services down on a running loop.
    app.setQuitOnLastWindowClosed(False)
    app.setOrganizationName("four-in-one-console")
    settings = QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, "four-in-one-console", "console"
    )
    lang = args.lang or str(settings.value("ui/lang", "zh_CN"))
    i18n.install(app, lang)
    monitors = app.screens()
    in_range = args.screen is not None and 0 <= args.screen < len(monitors)
    target = monitors[args.screen] if in_range else None
    height = (target or app.primaryScreen()).geometry().height()
    theme.apply(app, scale=theme.big_screen_scale(height) if args.fullscreen else 1.0)

    store = Store(db_url)
    tailer = ChangeTailer(store)
    tailer.start()
    live = LiveWallService()
    walkthrough_live = LiveWallService()  # camera slides decode apart from the wall
    try:
        if args.demo:
            operator = auth.demo_sign_in_sync(store, Role(args.role or Role.DUTY_OFFICER.code))
        else:
            dialog = SignInDialog(
                lambda u, p: auth.sign_in_sync(store, u, p), username=args.user or ""
            )
            if dialog.exec() != SignInDialog.DialogCode.Accepted or dialog.operator is None:
                return 1
            operator = dialog.operator
        role = Role(args.role) if args.role else operator.role

        loop = qasync.QEventLoop(app)
        # Named Python threads for asyncio.to_thread (hashing, finishing files) instead of
        # qasync's anonymous QThreads; closing the loop joins them.
        loop.set_default_executor(
            ThreadPoolExecutor(max_workers=WORKER_THREADS, thread_name_prefix="console-worker")
        )
        asyncio.set_event_loop(loop)

        surveillance = SurveillanceService(store, operator)
        intake = IntakePanel(
            IntakeService(store),
            registration_form=RegistrationForm(RegistrationService(store, operator), surveillance),
            ringer=Ringer(on_problem=lambda problem: intake.ring_problem.emit(problem.value)),
            capture_devices=(capture_devices.video_devices, capture_devices.audio_devices),
            rooms=MediationService(store).rooms,
        )
        mediation = MediationPanel(
            MediationService(store), AgreementService(store, operator), operator.id
        )
        evidence = EvidenceService(store, operator, live)
        alerts = AlertService(store, operator)
        wall = WallPanel(
            surveillance,
            live,
            WallViewService(store, operator),
            evidence=evidence,
            masks=MaskService(store, operator, evidence),
            alerts=alerts,
            catalogue=CatalogueService(store, operator),
        )
        assessment = AssessmentPanel(AssessmentServices.open(store, operator))
        screens = [
            Screen(
                "intake",
                app.translate("Screens", "Video petition intake"),
                intake,
                intake.load,
                intake.apply_changes,
                intake.close_panel,
            ),
            Screen(
                "mediation",
                app.translate("Screens", "Video mediation"),
                mediation,
                mediation.load,
                mediation.apply_changes,
                mediation.close_panel,
            ),
            Screen(
                "wall",
                app.translate("Screens", "Video surveillance"),
                wall,
                wall.load,
                wall.apply_changes,
                wall.close_panel,
            ),
            Screen(
                "assessment",
                app.translate("Screens", "Case assessment"),
                assessment,
                assessment.load,
                assessment.apply_changes,
                assessment.close_panel,
            ),
        ]
        window = MainWindow(
            operator, screens, store_label=make_url_label(db_url), settings=settings
        )

        def camera_on_wall(camera_id: int) -> None:
            wall.show_camera_by_id(camera_id)
            window.show_screen("wall")

        assessment.camera_requested.connect(camera_on_wall)

        def camera_slides() -> list[Slide]:
            """The wall's cameras as walkthrough slides, each on the walkthrough's decoders and
            audited with the reason the operator gave on the wall."""
            return [
                Slide(
                    SlideKind.CAMERA,
                    camera.name,
                    partial(
                        LiveCameraView,
                        walkthrough_live,
                        camera,
                        partial(surveillance.record_live_view, camera, reason),
                    ),
                )
                for camera, reason in wall.cameras_with_reasons()
            ]

        assessment.set_camera_slides(camera_slides)
        bridge = FeedBridge(store.feed, window)
        bridge.changed.connect(window.apply_changes)
        window.resize(1920, 1080)
        window.restore_or_default(role)
        if args.role:
            window.apply_role_layout(role)
        if args.screen is not None or args.fullscreen:
            window.place_on_screen(args.screen or 0, args.fullscreen)
        window.show()
        window.load_all()
        if args.demo:
            wall.fill_with_live_cameras()
        log.info("main window shown after %.2f s", time.perf_counter() - started)
        print(f"console: window shown {time.perf_counter() - started:.3f}", flush=True)

        signalling = None
        if args.demo:
            from console.services.embedded_signalling import EmbeddedSignalling

            signalling = EmbeddedSignalling(store, janus_url=args.janus)

            async def start_signalling() -> None:
                try:
                    port = await signalling.start()
                except OSError as exc:
                    window.report_error(str(exc))
                    return
                print(f"console: signalling on http://127.0.0.1:{port}", flush=True)
                await attach_desk(signalling)
                attach_rooms(signalling)
                signalling.start_demo_caller()

            loop.create_task(start_signalling())

        desks: list[Any] = []

        async def attach_desk(server: Any) -> None:
            """This officer's desk on the signalling server: answer, talk, record."""
            from console.services.call_recording import CallRecordingService
            from console.services.officer_desk import OfficerDesk

            desk = OfficerDesk(
                base_url=server.base_url,
                token_provider=lambda: server.server.staff_token(operator.id, role, operator.name),
                officer_name=operator.name,
                recording=CallRecordingService(store),
                audio_output="default",
            )
            try:
                await desk.start()
            except Exception as exc:  # the screens stay usable without calls
                window.report_error(str(exc))
                return
            desks.append(desk)
            intake.attach_desk(desk)

        def attach_rooms(server: Any) -> None:
            """Mediation sessions on the signalling server: a desk per room, invitations."""
            import secrets

            from console.services.room_desk import RoomDesk
            from console.services.room_recording import RoomRecording

            rooms_service = MediationService(store)

            # Only mediators and supervisors host a room; the demo's operator (a duty officer
            # unless --role says otherwise) hosts its rooms so the walkthrough has a host.
            room_role = Role.MEDIATOR if args.demo and role is Role.DUTY_OFFICER else role

            def open_desk(room: Any) -> RoomDesk:
                desk = RoomDesk(
                    base_url=server.base_url,
                    token_provider=lambda: server.server.staff_token(
                        operator.id, room_role, operator.name
                    ),
                    name=operator.name,
                    backend=room.backend,
                    audio_output="default",
                )
                if args.demo:
                    server.start_demo_parties(str(room.id))
                # Records while the server says everyone consents; files end on leaving.
                RoomRecording(
                    store, desk, room_id=room.id, case_id=room.case_id, operator_id=operator.id
                )
                return desk

            def invite_link(room_id: int, name: str) -> str:
                subject = f"invite:{room_id}:{secrets.token_urlsafe(9)}"
                token = server.server.invite_token(str(room_id), subject, name)
                loop.create_task(rooms_service.invite(room_id, subject, name))
                return f"{server.base_url}/?invite={token}"

            mediation.attach_rooms(open_desk, invite_link, janus=server.has_janus)

        closed = asyncio.Event()
        window.destroyed.connect(lambda *_: closed.set())
        app.lastWindowClosed.connect(closed.set)

        async def lifetime() -> None:
            if args.quit_after_shown:
                await asyncio.sleep(0.05)
                window.close()
                return
            if args.screenshots:
                await take_screenshots(window, Path(args.screenshots))
                window.close()
                return
            await closed.wait()

        async def lifetime_then_stop() -> None:
            try:
                await lifetime()
            finally:
                # Each step bounded: closing must finish even if one part hangs.
                await _bounded(mediation.leave_room(), "leaving the room")
                for desk in desks:
                    await _bounded(desk.stop(), "signing the desk out")
                if signalling is not None:
                    await _bounded(signalling.stop(), "stopping signalling")

        with loop:
            loop.run_until_complete(lifetime_then_stop())
            loop.run_until_complete(_cancel_leftover_tasks())
            # Closing from here takes a second. Should anything still hold the process (seen
            # twice under load before the steps above were bounded), the guard says what.
            exit_guard.arm()
        bridge.close()
        alerts.close()
        evidence.close()
        return 0
    finally:
        tailer.stop()
        for service in (live, walkthrough_live):
            report = service.close()
            if report.leftovers:
                log.warning("decoder threads still running at exit: %s", report.leftovers)
        store.close()


CLOSE_STEP_S = 15.0


async def _cancel_leftover_tasks() -> None:
    """Cancel what the screens still had running (a list refresh, say) and let it end, as
    asyncio.run does: a loop closed over pending tasks logs each as an error."""
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        await _bounded(asyncio.gather(*pending, return_exceptions=True), "ending background tasks")


async def _bounded(step: Any, what: str) -> None:
    """Await one closing step; one that hangs is logged and left behind."""
    try:
        await asyncio.wait_for(step, CLOSE_STEP_S)
    except TimeoutError:
        log.warning("console: %s did not finish within %.0f s; closing anyway", what, CLOSE_STEP_S)


async def take_screenshots(window, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Show each screen in turn and save the whole window, plus a report of what rendered."""
    import json

    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QApplication

    folder.mkdir(parents=True, exist_ok=True)
    await asyncio.sleep(SCREENSHOT_SETTLE_S)
    titles = {key: dock.windowTitle() for key, dock in window.docks.items()}
    for key, dock in window.docks.items():
        window.show_screen(key)
        await asyncio.sleep(SCREENSHOT_SETTLE_S if key == "wall" else 1.0)
        window.grab().save(str(folder / f"{key}.png"))
        print(f"console: screenshot {key}", flush=True)
        # A screen with pages (the assessment screen's tabs) shows each in turn.
        for page, show in getattr(dock.widget(), "screenshot_pages", list)():
            show()
            await asyncio.sleep(SCREENSHOT_PAGE_SETTLE_S)
            window.grab().save(str(folder / f"{key}-{page}.png"))
            print(f"console: screenshot {key}-{page}", flush=True)
    metrics = QFontMetrics(QApplication.font())
    text = "".join(titles.values()) + window.windowTitle()
    report = {
        "titles": titles,
        "window_title": window.windowTitle(),
        "font_family": QApplication.font().family(),
        "missing_glyphs": sorted(
            {c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))}
        ),
    }
    (folder / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
