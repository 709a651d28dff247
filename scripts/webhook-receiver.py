#!/usr/bin/env python3
"""A webhook receiver for antq-notification, for tests and for trying a channel by hand.

Verifies each POST's X-ANTQ-Signature (HMAC-SHA256 of the body under the shared secret), answers
500 to the first --fail-first requests (to exercise retries), then 200; records each accepted
notice once per X-ANTQ-Notice-Key (receivers deduplicate: delivery is at least once) as a JSON
line in --log. Prints "listening PORT" when ready.

    python3 scripts/webhook-receiver.py --secret-file SECRET [--port 0] [--fail-first N] [--log FILE]
"""
import argparse
import hashlib
import hmac
import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--secret-file", required=True)
parser.add_argument("--fail-first", type=int, default=0)
parser.add_argument("--log", default="/dev/stdout")
args = parser.parse_args()
secret = open(args.secret_file, "rb").read().strip()
lock = threading.Lock()
state = {"requests": 0, "seen": set()}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        key = self.headers.get("X-ANTQ-Notice-Key", "")
        with lock:
            state["requests"] += 1
            if not hmac.compare_digest(expected, self.headers.get("X-ANTQ-Signature", "")):
                self.send_response(401)
                self.end_headers()
                return
            if state["requests"] <= args.fail_first:
                self.send_response(500)
                self.end_headers()
                return
            notice = json.loads(body)["notice"]
            if notice["key"] != key:
                self.send_response(400)
                self.end_headers()
                return
            if key not in state["seen"]:
                state["seen"].add(key)
                with open(args.log, "a", encoding="utf-8") as log:
                    log.write(json.dumps(notice, ensure_ascii=False) + "\n")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_):
        pass


# A parent may have blocked SIGTERM in the thread that started us: unblock it, and stop at once.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
