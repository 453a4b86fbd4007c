"""A private network namespace for Janus runs: re-exec under `unshare -n`, lo and a veth pair."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

INSIDE_ENV = "CONSOLE_PRIVATE_NETNS"


@dataclass(frozen=True, slots=True)
class VethPair:
    """Janus gathers on `janus_if` (address `janus_ip`); the participants on `peer_if`."""

    janus_if: str
    peer_if: str
    janus_ip: str
    peer_ip: str


def can_make_netns() -> str | None:
    """None if this process can create a network namespace, else the reason it cannot."""
    if os.geteuid() != 0:
        return "needs root to create a private network namespace"
    for tool in ("unshare", "ip"):
        if shutil.which(tool) is None:
            return f"needs `{tool}` (util-linux / iproute2) for a private network namespace"
    return None


def inside_private_netns() -> bool:
    return os.environ.get(INSIDE_ENV) == "1"


def run_in_private_netns(argv: list[str], timeout: float, cwd: Path | None = None) -> int:
    """Run `python argv…` in a fresh network namespace; its stdout and stderr pass through.

    The namespace starts with only a downed `lo`: nothing inside can reach a real host.
    """
    env = dict(os.environ, **{INSIDE_ENV: "1"})
    proc = subprocess.run(
        ["unshare", "-n", "--", sys.executable, *argv], env=env, timeout=timeout, cwd=cwd
    )
    return proc.returncode


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def _sysctl(key: str, value: str) -> None:
    Path("/proc/sys/net/ipv4/conf", *key.split("/")).write_text(value)


def setup_veth(
    janus_if: str = "vjanus", peer_if: str = "vpeer", subnet: str = "10.203.0"
) -> VethPair:
    """Bring up lo and a veth pair inside the current (private) namespace.

    Janus refuses loopback for ICE, so media runs over a veth pair whose two ends both live
    in this namespace. The kernel then sees packets arrive from one of its own addresses:
    `accept_local=1` lets them in and `rp_filter=0` stops the reverse-path check dropping them.
    """
    _ip("link", "set", "lo", "up")
    _ip("link", "add", janus_if, "type", "veth", "peer", "name", peer_if)
    pair = VethPair(janus_if, peer_if, f"{subnet}.1", f"{subnet}.2")
    _ip("addr", "add", f"{pair.janus_ip}/24", "dev", janus_if)
    _ip("addr", "add", f"{pair.peer_ip}/24", "dev", peer_if)
    for name in ("all", "default", janus_if, peer_if):
        _sysctl(f"{name}/accept_local", "1")
        _sysctl(f"{name}/rp_filter", "0")
    _ip("link", "set", janus_if, "up")
    _ip("link", "set", peer_if, "up")
    return pair
