"""A loopback RTSP server serving MP4 clips with gst-rtsp-server (tests and `bench wall`).

A script, not a module of the console: run it with Debian's /usr/bin/python3, since
GStreamer's Python bindings are not in the venv (console.media.loopback_rtsp does):
    /usr/bin/python3 gst_rtsp_server.py --port 0 --mount cam1=/path/a.mp4 [--mount ...]
Prints "READY <port>" once listening; stops on SIGTERM or when stdin closes.
"""

import argparse
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--mount", action="append", default=[], help="name=/path/clip.mp4")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for item in args.mount:
        name, path = item.split("=", 1)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(
            f'( filesrc location="{path}" ! qtdemux ! h264parse '
            "! rtph264pay name=pay0 pt=96 config-interval=1 )"
        )
        # Every client gets its own pipeline, starting from the beginning of the clip.
        factory.set_shared(False)
        mounts.add_factory(f"/{name}", factory)
    server.attach(None)

    loop = GLib.MainLoop()
    signal.signal(signal.SIGTERM, lambda *_: GLib.idle_add(loop.quit))

    def watch_stdin() -> None:
        sys.stdin.read()  # returns when the test closes our stdin or dies
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"READY {server.get_bound_port()}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
