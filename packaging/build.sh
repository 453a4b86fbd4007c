#!/usr/bin/env bash
# Build the console as a PyInstaller one-folder bundle in dist/console/.
set -euo pipefail

cd "$(dirname -- "${BASH_SOURCE[0]}")/.."

# Debian packages (binutils for PyInstaller), .venv and compiled translations.
bash packaging/setup.sh build-env

if ! .venv/bin/python -c 'import PyInstaller' >/dev/null 2>&1; then
    printf '==> %s\n' "installing pyinstaller into .venv"
    .venv/bin/python -m pip install --quiet pyinstaller
fi

printf '==> %s\n' "pyinstaller packaging/console.spec -> dist/console/"
exec .venv/bin/pyinstaller packaging/console.spec --noconfirm --distpath dist "$@"
