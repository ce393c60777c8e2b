"""A built website served from localhost for the browser benchmarks, with the machine's load beside it."""

import functools
import http.server
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser context closed mid-response (a font still loading) is not an error worth a traceback."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


def load_average() -> str:
    """The last minute's load average (the benchmarks want a quiet machine)."""
    return Path("/proc/loadavg").read_text().split()[0]


def serve_site(argv) -> str:
    """Serve the site named by argv[1] (default _build/html) in a background thread; returns its base URL."""
    site = Path(argv[1]) if len(argv) > 1 else ROOT / "_build" / "html"
    if not (site / "index.html").exists():
        sys.exit(f"no built site at {site}: build it first (see the README)")
    server = QuietServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"load average before: {load_average()}")
    return f"http://127.0.0.1:{server.server_address[1]}"
