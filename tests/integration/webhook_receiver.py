"""A real webhook receiver for the tests, run as its own process on 127.0.0.1.

    python -m tests.integration.webhook_receiver PORT LOG MODE

Every request is appended to LOG as one JSON line (headers, the raw body as text, the answer
given). MODE: ``ok`` answers 200; ``fail:N`` answers 500 to the first N requests, then 200;
``die`` records the request, then the process exits without answering (a receiver killed
mid-delivery). The process prints ``ready`` once it listens.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    port, log, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    failures = int(mode.split(":")[1]) if mode.startswith("fail:") else 0
    lock = threading.Lock()
    seen = [0]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                seen[0] += 1
                status = 500 if seen[0] <= failures else 200
                record = {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "body": body.decode("utf-8"),
                    "answer": None if mode == "die" else status,
                }
                with open(log, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(record) + "\n")
            if mode == "die":
                os._exit(17)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
