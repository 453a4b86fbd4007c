"""The dark command-centre theme, CJK font fallback and big-screen scaling."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
)

BG = "#0b1622"
PANEL = "#102233"
PANEL_ALT = "#13293d"
LINE = "#1f3b55"
TEXT = "#d8e6f3"
MUTED = "#8aa4bc"
ACCENT = "#2f8cff"
OK = "#2ecc71"
WARN = "#f5a623"
ALERT = "#ff4d4f"

DEADLINE_COLOURS = {"normal": OK, "due_soon": WARN, "overdue": ALERT, "done": MUTED}
SUPERVISION_COLOURS = {"none": MUTED, "normal": ACCENT, "yellow": "#f8d347", "red": ALERT}
RISK_COLOURS = {"low": OK, "medium": WARN, "high": "#ff7a45", "critical": ALERT}


def pick_font_family() -> str:
    available = set(QFontDatabase.families())
    for family in CJK_FAMILIES:
        if family in available:
            return family
    return QApplication.font().family()


BASE_POINT_SIZE = 10.5
BIG_SCREEN_SCALE = 1.25
"""Big-screen mode: type this much larger than on a desk monitor, read from across a room."""
_scale = 1.0


def big_screen_scale(screen_height_px: int) -> float:
    """Grow with the wall's resolution: a 4K wall gets 2.5x the desk size."""
    return max(1.6, BIG_SCREEN_SCALE * screen_height_px / 1080)


def scaled(px: int) -> int:
    """A size in pixels designed for the desk scale, at the current scale."""
    return int(px * _scale)


def apply(app: QApplication, *, scale: float = 1.0) -> None:
    global _scale
    _scale = scale
    app.setStyle("Fusion")
    family = pick_font_family()
    font = QFont(family)
    font.setPointSizeF(BASE_POINT_SIZE * scale)
    font.setFamilies([family, *CJK_FAMILIES])
    app.setFont(font)
    pal = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, BG),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, PANEL),
        (QPalette.ColorRole.AlternateBase, PANEL_ALT),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, PANEL_ALT),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, PANEL),
        (QPalette.ColorRole.ToolTipText, TEXT),
        (QPalette.ColorRole.PlaceholderText, MUTED),
    ):
        pal.setColor(role, QColor(colour))
    app.setPalette(pal)
    app.setStyleSheet(stylesheet(scale))


def stylesheet(scale: float) -> str:
    pad = int(6 * scale)
    return f"""
    QMainWindow, QDockWidget {{ background: {BG}; color: {TEXT}; }}
    QDockWidget::title {{ background: {PANEL_ALT}; padding: {pad}px; font-weight: bold; }}
    QTabBar::tab {{ background: {PANEL}; color: {MUTED}; padding: {pad}px {pad * 3}px;
        border: 1px solid {LINE}; border-bottom: none; min-width: {int(110 * scale)}px; }}
    QTabBar::tab:selected {{ background: {PANEL_ALT}; color: {TEXT};
        border-top: 3px solid {ACCENT}; }}
    QHeaderView::section {{ background: {PANEL_ALT}; color: {MUTED}; padding: {pad}px;
        border: none; border-right: 1px solid {LINE}; border-bottom: 1px solid {LINE}; }}
    QTableView, QTreeView, QListView {{ gridline-color: {LINE}; border: 1px solid {LINE};
        selection-background-color: {ACCENT}; }}
    QLineEdit, QComboBox, QSpinBox, QDateEdit {{ background: {PANEL}; border: 1px solid {LINE};
        padding: {pad // 2 + 1}px {pad}px; border-radius: 3px; color: {TEXT}; }}
    QPushButton {{ background: {PANEL_ALT}; border: 1px solid {LINE}; padding: {pad}px {pad * 2}px;
        border-radius: 3px; color: {TEXT}; }}
    QPushButton:hover {{ border-color: {ACCENT}; }}
    QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border: none; }}
    QLabel[role="kpi-value"] {{ font-size: {int(22 * scale)}pt; font-weight: bold; color: {TEXT}; }}
    QLabel[role="kpi-label"] {{ color: {MUTED}; }}
    QLabel[role="muted"] {{ color: {MUTED}; }}
    QLabel[role="section"] {{ color: {MUTED}; font-weight: bold; padding-top: {pad}px; }}
    QFrame[role="card"] {{ background: {PANEL}; border: 1px solid {LINE}; border-radius: 4px; }}
    QStatusBar {{ background: {PANEL}; color: {MUTED}; }}
    QToolBar {{ background: {PANEL}; border-bottom: 1px solid {LINE}; spacing: {pad}px; }}
    QSplitter::handle {{ background: {LINE}; }}
    """
