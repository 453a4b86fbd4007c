#!/usr/bin/env bash
# Prepare a Debian 12 machine for the console and run the demo or the test suite.
#
# Usage:
#   bash packaging/setup.sh demo      [extra console args]
#   bash packaging/setup.sh test      [extra pytest args]
#   bash packaging/setup.sh build-env              (used by packaging/build.sh)
#
# Idempotent: every step checks before it acts, so a re-run on a prepared machine
# touches neither apt nor pip and reaches the demo / pytest in about a second.
set -euo pipefail

# --- Debian packages: the one place that lists them ---------------------------------
# Only needed when no Python 3.11 with a working venv module exists already.
readonly -a PYTHON_PACKAGES=(python3 python3-venv python3-dev)
# A real Qt window (xcb platform) under X or Xvfb, and fonts that have CJK glyphs:
# without fonts-noto-cjk every Chinese string renders as empty boxes.
readonly -a RUNTIME_PACKAGES=(
    xvfb xauth fonts-noto-cjk
    libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1
    libegl1 libgl1 libdbus-1-3 libfontconfig1
)
# The tests start a throwaway PostgreSQL cluster, take X screenshots with `import`, and
# serve camera streams from a real RTSP server (GStreamer, run by Debian's python3);
# `console bench wall` compares the wall with ffmpeg compositing the same mosaic; Chromium
# and Firefox ESR are the citizen's browsers in the WebRTC tests.
readonly -a TEST_PACKAGES=(
    postgresql imagemagick
    gstreamer1.0-rtsp gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base
    gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad
    python3-gi python3-gst-1.0
    chromium chromium-driver firefox-esr iproute2
    ffmpeg janus
)
# PyInstaller reads shared-library dependencies with objdump.
readonly -a BUILD_PACKAGES=(binutils)

readonly APT_LISTS_MAX_AGE_MINUTES=1440
readonly XVFB_SCREEN="-screen 0 1920x1080x24"

REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
readonly REPO_ROOT
readonly VENV="$REPO_ROOT/.venv"
readonly INSTALLED_HASH_FILE="$VENV/.installed-hash"

step() { printf '==> %s\n' "$*"; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<'EOF'
usage: bash packaging/setup.sh demo [console args...]
       bash packaging/setup.sh test [pytest args...]
       bash packaging/setup.sh build-env
EOF
    exit 2
}

# Print a Python >= 3.11 that can create venvs: python3.11 on PATH first (a pyenv
# shim on dev machines), then Debian's own interpreter.
find_python() {
    local candidate
    for candidate in "$(command -v python3.11 || true)" /usr/bin/python3; do
        [[ -n $candidate && -x $candidate ]] || continue
        # A pyenv shim exists even when the version it points to does not, so run it.
        if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' \
            >/dev/null 2>&1; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

apt_lists_are_fresh() {
    [[ -n "$(find /var/lib/apt/lists -maxdepth 1 -type f -name '*Packages*' \
        -mmin "-$APT_LISTS_MAX_AGE_MINUTES" -print -quit 2>/dev/null)" ]]
}

# Refresh the package lists when they are old or do not know one of the packages.
apt_update_if_needed() {
    local pkg
    if apt_lists_are_fresh; then
        for pkg in "$@"; do
            if ! apt-cache show "$pkg" >/dev/null 2>&1; then
                step "apt-get update (lists do not know $pkg)"
                apt-get update
                return
            fi
        done
        return
    fi
    step "apt-get update (package lists older than a day)"
    apt-get update
}

ensure_packages() {
    local mode=$1 pkg
    local -a wanted=("${RUNTIME_PACKAGES[@]}") missing=()
    case $mode in
        test) wanted+=("${TEST_PACKAGES[@]}") ;;
        build-env) wanted+=("${BUILD_PACKAGES[@]}") ;;
    esac
    find_python >/dev/null || wanted+=("${PYTHON_PACKAGES[@]}")

    command -v dpkg-query >/dev/null || die "dpkg-query not found: this script expects Debian 12"
    for pkg in "${wanted[@]}"; do
        is_installed "$pkg" || missing+=("$pkg")
    done
    if ((${#missing[@]} == 0)); then
        step "Debian packages: all ${#wanted[@]} present"
        return
    fi

    if ((EUID != 0)); then
        printf 'error: missing Debian packages: %s\nrun as root:\n' "${missing[*]}" >&2
        printf '  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ' >&2
        printf 'apt-get install -y --no-install-recommends %s\n' "${missing[*]}" >&2
        exit 1
    fi
    apt_update_if_needed "${missing[@]}"
    step "apt-get install ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

venv_works() {
    [[ -x $VENV/bin/python ]] &&
        "$VENV/bin/python" -c 'import sys, pip; sys.exit(sys.version_info < (3, 11))' \
            >/dev/null 2>&1
}

ensure_venv() {
    local python wanted_hash
    if ! venv_works; then
        python="$(find_python)" || die "no Python >= 3.11 with the venv module found"
        # Never delete a directory that is not a venv (a typo, a user's own folder).
        if [[ -e $VENV && ! -f $VENV/pyvenv.cfg ]]; then
            die "$VENV exists but is not a virtualenv; move it away and re-run"
        fi
        step "creating .venv with $python (missing or broken)"
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
    fi

    [[ -f $REPO_ROOT/pyproject.toml ]] || die "pyproject.toml not found in $REPO_ROOT"
    wanted_hash="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [[ -f $INSTALLED_HASH_FILE && "$(<"$INSTALLED_HASH_FILE")" == "$wanted_hash" ]]; then
        step "Python packages: up to date with pyproject.toml"
        return
    fi
    step "pip install -e '.[dev]' (pyproject.toml changed since the last install)"
    "$VENV/bin/python" -m pip install --quiet -e '.[dev]'
    # Written only after pip succeeded, so a failed install is retried next time.
    printf '%s\n' "$wanted_hash" >"$INSTALLED_HASH_FILE"
}

compile_translations() {
    local ts qm
    local -a sources=()
    shopt -s nullglob
    sources=("$REPO_ROOT"/resources/i18n/*.ts)
    shopt -u nullglob
    if ((${#sources[@]} == 0)); then
        step "translations: no resources/i18n/*.ts yet, skipping"
        return
    fi
    local -i compiled=0
    for ts in "${sources[@]}"; do
        qm="${ts%.ts}.qm"
        [[ -f $qm && ! $ts -nt $qm ]] && continue
        # One .qm per .ts: lrelease merges all inputs into one file when given several.
        "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
        compiled+=1
    done
    step "translations: compiled $compiled of ${#sources[@]} .ts file(s), the rest up to date"
}

# Print those of the given repo paths that exist, so checks work before every
# top-level directory has been created.
existing_paths() {
    local path
    for path in "$@"; do
        [[ -e $REPO_ROOT/$path ]] && printf '%s\n' "$path"
    done
    return 0
}

run_static_checks() {
    local -a lint_paths type_paths
    mapfile -t lint_paths < <(existing_paths console tests migrations)
    mapfile -t type_paths < <(existing_paths console/core console/store console/services)

    step "ruff format --check ${lint_paths[*]}"
    "$VENV/bin/ruff" format --check "${lint_paths[@]}"
    step "ruff check ${lint_paths[*]}"
    "$VENV/bin/ruff" check "${lint_paths[@]}"
    if ((${#type_paths[@]} > 0)); then
        step "mypy ${type_paths[*]}"
        "$VENV/bin/mypy" "${type_paths[@]}"
    fi
    step "lint-imports"
    "$VENV/bin/lint-imports"
}

main() {
    local mode=${1:-}
    [[ $mode == demo || $mode == test || $mode == build-env ]] || usage
    shift
    cd "$REPO_ROOT"

    ensure_packages "$mode"
    ensure_venv
    compile_translations
    # qasync picks its Qt binding from QT_API; say it explicitly rather than rely on probing.
    export QT_API=pyside6

    case $mode in
        demo)
            if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
                step "no DISPLAY or WAYLAND_DISPLAY: running the demo under xvfb-run"
                exec xvfb-run -a -s "$XVFB_SCREEN" "$VENV/bin/console" --demo "$@"
            fi
            step "console --demo $*"
            exec "$VENV/bin/console" --demo "$@"
            ;;
        test)
            run_static_checks
            # Two workers, a test file each at a time: most tests wait on real time (calls,
            # streams, browsers), so the suite takes 6 min instead of 11 on two cores. A
            # trailing `-n 0` runs it in one process.
            step "pytest -n 2 --dist loadfile $*"
            exec "$VENV/bin/python" -m pytest -n 2 --dist loadfile "$@"
            ;;
        build-env)
            step "build environment ready"
            ;;
    esac
}

main "$@"
