"""The sign-in dialog: a wrong password is refused with a message, the right one signs in."""

from __future__ import annotations

from console.services import auth
from console.ui.sign_in_dialog import SignInDialog
from tests.ui.conftest import Workspace


def test_sign_in_dialog(qtbot, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    store = workspace.store
    dialog = SignInDialog(lambda u, p: auth.sign_in_sync(store, u, p), username="duty")
    qtbot.addWidget(dialog)
    dialog.password.setText("not-the-password")
    dialog._try()
    assert dialog.operator is None
    assert "用户名或密码错误" in dialog.message.text()
    assert dialog.password.text() == ""
    dialog.password.setText("password-123")
    dialog._try()
    assert dialog.operator is not None and dialog.operator.user.username == "duty"
    assert dialog.result() == SignInDialog.DialogCode.Accepted
