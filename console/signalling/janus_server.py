"""A private Janus gateway (Debian `janus`): generated configuration, start, readiness, stop."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

JANUS_BINARY = "/usr/bin/janus"


def _lib_dir() -> Path:
    # Debian installs the modules under the architecture's multiarch directory.
    found = sorted(Path("/usr/lib").glob("*/janus/plugins"))
    return found[0].parent if found else Path("/usr/lib/x86_64-linux-gnu/janus")


LIB_DIR = _lib_dir()
PLUGIN = "libjanus_videoroom.so"
TRANSPORT = "libjanus_websockets.so"
PR_SET_PDEATHSIG = 1


def janus_available() -> bool:
    """True if the Debian package's binary, VideoRoom plugin and WebSocket transport exist."""
    return (
        Path(JANUS_BINARY).exists()
        and (LIB_DIR / "plugins" / PLUGIN).exists()
        and (LIB_DIR / "transports" / TRANSPORT).exists()
    )


@dataclass(frozen=True, slots=True)
class JanusConfig:
    """What a centre's Janus needs from us; everything else stays at Janus's defaults.

    `ice_interfaces` is the only list of interfaces Janus gathers ICE candidates on (a
    centre keeps media on its video network). No STUN server is ever configured: Janus and
    the consoles share a network, and nothing may contact an outside host.
    """

    ws_host: str = "127.0.0.1"
    ws_port: int = 8188
    ice_interfaces: tuple[str, ...] = ()
    session_timeout_s: int = 60
    reclaim_timeout_s: int = 30
    rtp_ports: tuple[int, int] = (20000, 40000)
    debug_level: int = 3


def write_config(cfg: JanusConfig, folder: Path) -> Path:
    """Write janus.jcfg and the two module configurations into `folder`; returns janus.jcfg.

    Only the VideoRoom plugin and the WebSocket transport are loaded: the plugin and
    transport folders are folders of symlinks to just those two libraries, so no other
    module can open a port.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for kind, lib in (("plugins", PLUGIN), ("transports", TRANSPORT)):
        sub = folder / kind
        sub.mkdir(exist_ok=True)
        link = sub / lib
        if not link.exists():
            link.symlink_to(LIB_DIR / kind / lib)
    empty = folder / "empty"
    empty.mkdir(exist_ok=True)
    enforce = ",".join(cfg.ice_interfaces)
    (folder / "janus.jcfg").write_text(
        f"""general: {{
\tconfigs_folder = "{folder}"
\tplugins_folder = "{folder / "plugins"}"
\ttransports_folder = "{folder / "transports"}"
\tevents_folder = "{empty}"
\tloggers_folder = "{empty}"
\tdebug_level = {cfg.debug_level}
\tsession_timeout = {cfg.session_timeout_s}
\treclaim_session_timeout = {cfg.reclaim_timeout_s}
\thide_dependencies = true
}}
certificates: {{
}}
media: {{
\trtp_port_range = "{cfg.rtp_ports[0]}-{cfg.rtp_ports[1]}"
}}
nat: {{
\tnice_debug = false
\tfull_trickle = false
\tice_enforce_list = "{enforce}"
}}
plugins: {{
}}
transports: {{
}}
events: {{
\tbroadcast = false
}}
"""
    )
    (folder / "janus.transport.websockets.jcfg").write_text(
        f"""general: {{
\tjson = "plain"
\tws = true
\tws_port = {cfg.ws_port}
\tws_ip = "{cfg.ws_host}"
\twss = false
}}
admin: {{
\tadmin_ws = false
\tadmin_wss = false
}}
"""
    )
    # Rooms are created over the API with explicit limits; none are preconfigured.
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")
    return folder / "janus.jcfg"


def _die_with_parent() -> None:
    # Janus must not outlive a killed test or benchmark (it would hold its ports, and a
    # namespace's last process keeps the namespace alive).
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class JanusProcess:
    """One Janus process on generated configuration; its log goes to `folder/janus.log`."""

    def __init__(self, cfg: JanusConfig, folder: Path) -> None:
        self.cfg = cfg
        self.folder = folder
        self.log_path = folder / "janus.log"
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        return self._proc.pid if self._proc is not None else 0

    @property
    def url(self) -> str:
        return f"ws://{self.cfg.ws_host}:{self.cfg.ws_port}/"

    async def start(self, timeout: float = 20.0) -> None:
        """Start Janus and wait until its WebSocket port accepts connections."""
        if shutil.which(JANUS_BINARY) is None:
            raise FileNotFoundError(f"{JANUS_BINARY} (Debian package janus) is not installed")
        config = write_config(self.cfg, self.folder)
        with open(self.log_path, "wb") as log:
            self._proc = subprocess.Popen(
                [JANUS_BINARY, "-C", str(config), "-F", str(self.folder), "-o"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                raise RuntimeError(f"janus exited {self._proc.returncode}: {self.log_tail()}")
            try:
                _, writer = await asyncio.open_connection(self.cfg.ws_host, self.cfg.ws_port)
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"janus did not listen: {self.log_tail()}") from None
                await asyncio.sleep(0.05)  # polling the port: Janus has no readiness signal
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate Janus and reap it (killed if it does not exit in `timeout`)."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
