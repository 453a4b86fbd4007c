"""Interface language: Qt translators for our own strings, code-table labels from core."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"

_current_lang = "zh_CN"


def current_lang() -> str:
    return _current_lang


def install(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Load our .qm (and Qt's own, for standard dialogs) for `lang`; English needs none."""
    global _current_lang
    _current_lang = lang
    QLocale.setDefault(QLocale(lang))
    translators: list[QTranslator] = []
    if lang == "en":
        return translators
    ours = QTranslator(app)
    if ours.load(str(I18N_DIR / f"console_{lang}.qm")):
        app.installTranslator(ours)
        translators.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        translators.append(qt)
    return translators


def has_translation(lang: str) -> bool:
    return lang == "en" or (I18N_DIR / f"console_{lang}.qm").exists()
