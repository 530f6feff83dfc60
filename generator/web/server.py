"""Serving the app with waitress (pure Python, also on Windows), stopping cleanly on SIGTERM."""

from __future__ import annotations

import signal
import sys

from flask import Flask


def serve(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve until stopped; a service manager's stop (SIGTERM) ends it like Ctrl+C, pack workers included."""
    from waitress import serve as waitress_serve

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="gongyu", clear_untrusted_proxy_headers=True)
    finally:
        app.extensions["gongyu"]["packs"].close()
