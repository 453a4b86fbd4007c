"""The main window: four screens as dock widgets, role layouts, detaching and big-screen mode."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMessageBox, QTabWidget, QWidget

from console.core.codes import Role
from console.core.events import ChangeSet
from console.services.operator import Operator

LAYOUT_VERSION = 1
LAG_PROBE_MS = 100


@dataclass(frozen=True)
class Screen:
    key: str
    title: str
    widget: QWidget
    load: Callable[[], None]
    apply_changes: Callable[[ChangeSet], None]
    close: Callable[[], None]


class MainWindow(QMainWindow):
    language_chosen = Signal(str)

    def __init__(
        self,
        operator: Operator,
        screens: list[Screen],
        *,
        store_label: str,
        settings: QSettings,
    ) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.operator = operator
        self.settings = settings
        self.screens = {s.key: s for s in screens}
        self.docks: dict[str, QDockWidget] = {}
        self.setWindowTitle(self.tr("Four-in-One Video Command Console") + f" — {operator.name}")
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.setDocumentMode(True)
        # The screens live in docks so each can float off to another monitor.
        self.setCentralWidget(None)
        for screen in screens:
            dock = QDockWidget(screen.title, self)
            dock.setObjectName(f"dock-{screen.key}")
            dock.setWidget(screen.widget)
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
            self.docks[screen.key] = dock
        self._build_menus()
        self._build_status(store_label)
        self._lag_max_ms = 0.0
        self._lag_last = time.perf_counter()
        self._lag_timer = QTimer(self)
        self._lag_timer.setInterval(LAG_PROBE_MS)
        self._lag_timer.timeout.connect(self._probe_lag)
        self._lag_timer.start()

    # --- layouts

    def apply_role_layout(self, role: Role) -> None:
        order = {
            Role.DUTY_OFFICER: ["intake", "wall", "mediation", "assessment"],
            Role.MEDIATOR: ["mediation", "intake", "assessment", "wall"],
            Role.SUPERVISOR: ["assessment", "wall", "intake", "mediation"],
            Role.ADMIN: ["assessment", "intake", "mediation", "wall"],
        }[role]
        docks = [self.docks[k] for k in order if k in self.docks]
        # Taken out, then tabbed straight away: docks laid side by side, even for a moment
        # (re-adding one of a tab group does that), stretch the window to the sum of their
        # widths, far wider than the screen.
        for dock in docks:
            self.removeDockWidget(dock)
            dock.setFloating(False)
        self.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, docks[0])
        for dock in docks[1:]:
            self.tabifyDockWidget(docks[0], dock)
        for dock in docks:
            dock.show()
        docks[0].raise_()

    def restore_or_default(self, role: Role) -> None:
        key = f"layout/{role.code}/v{LAYOUT_VERSION}"
        state = self.settings.value(f"{key}/state")
        geometry = self.settings.value(f"{key}/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if not (isinstance(state, QByteArray) and self.restoreState(state, LAYOUT_VERSION)):
            self.apply_role_layout(role)

    def save_layout(self) -> None:
        key = f"layout/{self.operator.role.code}/v{LAYOUT_VERSION}"
        self.settings.setValue(f"{key}/state", self.saveState(LAYOUT_VERSION))
        self.settings.setValue(f"{key}/geometry", self.saveGeometry())
        self.settings.sync()

    def show_screen(self, key: str) -> None:
        dock = self.docks[key]
        dock.show()
        dock.raise_()

    def detach(self, key: str, screen_index: int) -> None:
        """Float a screen onto monitor `screen_index`, filling it."""
        screens = QGuiApplication.screens()
        target = screens[screen_index % len(screens)]
        dock = self.docks[key]
        dock.setFloating(True)
        dock.setGeometry(target.availableGeometry())
        dock.show()

    def place_on_screen(self, screen_index: int, fullscreen: bool) -> None:
        screens = QGuiApplication.screens()
        if 0 <= screen_index < len(screens):
            self.setGeometry(screens[screen_index].availableGeometry())
        if fullscreen:
            self.showFullScreen()

    def toggle_fullscreen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    # --- menus and status

    def _build_menus(self) -> None:
        view = self.menuBar().addMenu(self.tr("&View"))
        for i, (key, dock) in enumerate(self.docks.items(), start=1):
            act = QAction(dock.windowTitle(), self)
            act.setShortcut(QKeySequence(f"Ctrl+{i}"))
            act.triggered.connect(lambda _c=False, k=key: self.show_screen(k))
            view.addAction(act)
        view.addSeparator()
        layouts = view.addMenu(self.tr("Role layout"))
        for role in (Role.DUTY_OFFICER, Role.MEDIATOR, Role.SUPERVISOR):
            act = QAction(self._role_name(role), self)
            act.triggered.connect(lambda _c=False, r=role: self.apply_role_layout(r))
            layouts.addAction(act)
        detach = view.addMenu(self.tr("Detach screen to monitor"))
        for key, dock in self.docks.items():
            for n in range(max(1, len(QGuiApplication.screens()))):
                monitor = self.tr("Monitor %1").replace("%1", str(n + 1))
                act = QAction(f"{dock.windowTitle()} → {monitor}", self)
                act.triggered.connect(lambda _c=False, k=key, s=n: self.detach(k, s))
                detach.addAction(act)
        full = QAction(self.tr("Big-screen mode"), self)
        full.setShortcut(QKeySequence(Qt.Key.Key_F11))
        full.triggered.connect(self.toggle_fullscreen)
        view.addAction(full)
        lang = self.menuBar().addMenu(self.tr("&Language"))
        for code, name in (("zh_CN", "简体中文"), ("en", "English")):
            act = QAction(name, self)
            act.triggered.connect(lambda _c=False, c=code: self._choose_language(c))
            lang.addAction(act)

    def _role_name(self, role: Role) -> str:
        return {
            Role.DUTY_OFFICER: self.tr("Duty officer"),
            Role.MEDIATOR: self.tr("Mediator"),
            Role.SUPERVISOR: self.tr("Supervisor"),
            Role.ADMIN: self.tr("Administrator"),
        }[role]

    def _choose_language(self, code: str) -> None:
        self.settings.setValue("ui/lang", code)
        self.language_chosen.emit(code)
        QMessageBox.information(
            self,
            self.tr("Language"),
            self.tr("The language changes the next time the console starts."),
        )

    def _build_status(self, store_label: str) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(f"{self.operator.name} · {self._role_name(self.operator.role)}")
        self.store_label = QLabel(store_label)
        self.sync_label = QLabel(self.tr("Sync: live"))
        self.lag_label = QLabel()
        for w in (self.user_label, self.store_label, self.sync_label):
            bar.addWidget(w)
        bar.addPermanentWidget(self.lag_label)

    def set_sync_state(self, ok: bool, detail: str = "") -> None:
        self.sync_label.setText(
            self.tr("Sync: live")
            if ok
            else self.tr("Sync: reconnecting") + (f" ({detail})" if detail else "")
        )

    def report_error(self, text: str) -> None:
        self.statusBar().showMessage(self.tr("Error: %1").replace("%1", text), 10_000)

    def _probe_lag(self) -> None:
        now = time.perf_counter()
        lag_ms = max(0.0, (now - self._lag_last) * 1000 - LAG_PROBE_MS)
        self._lag_last = now
        self._lag_max_ms = max(lag_ms, self._lag_max_ms * 0.95)
        self.lag_label.setText(self.tr("UI lag %1 ms").replace("%1", f"{self._lag_max_ms:.0f}"))

    # --- changes and lifecycle

    def apply_changes(self, changes: ChangeSet) -> None:
        for screen in self.screens.values():
            screen.apply_changes(changes)

    def load_all(self) -> None:
        for screen in self.screens.values():
            screen.load()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._lag_timer.stop()
        for screen in self.screens.values():
            screen.close()
        super().closeEvent(event)
