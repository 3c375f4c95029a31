#!/usr/bin/env python3
"""A local HTTP server for Baton's HTTP client tests (Python standard library only).

Prints "<http port> <https port>" on its first stdout line (https is 0 without --tls-cert/--tls-key),
then serves until its stdin closes, so it dies with the test process that spawned it.

Endpoints (query parameters in brackets):
  /echo                    JSON of method, path, headers, base64 body and the client's port
  /delay[ms]               replies after ms milliseconds
  /gated[id]               SSE: sends "one", waits for /release?id, sends "two", ends
  /release[id]             opens the gate of /gated?id
  /drip[count,gap_ms]      SSE: count events, gap_ms apart
  /hang[id,head]           signals "arrived:<id>", sends the head if head=1, then sends nothing;
                           signals "disconnected:<id>" when the client closes the connection
  /wait[name,timeout]      waits up to timeout seconds for a signal; JSON {"happened": bool, "at": t}
  /status[code,header]     replies with that status; each header=Name:Value is added
  /large[bytes]            a deterministic body of that many bytes (byte i is i % 251)
  /gzip                    a gzip-encoded text body
"""

import argparse
import base64
import gzip
import json
import os
import select
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# The longest any endpoint waits for a gate or a disconnect; tests finish long before.
LONG_WAIT = 60.0


class Signals:
    """Named one-shot events with the moment they first happened."""

    def __init__(self):
        self._lock = threading.Lock()
        self._events = {}
        self._times = {}

    def _event(self, name):
        with self._lock:
            return self._events.setdefault(name, threading.Event())

    def fire(self, name):
        with self._lock:
            self._times.setdefault(name, time.monotonic())
        self._event(name).set()

    def wait(self, name, timeout):
        happened = self._event(name).wait(timeout)
        with self._lock:
            return happened, self._times.get(name)


SIGNALS = Signals()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def handle_any(self):
        url = urlsplit(self.path)
        self.query = parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(length) if length else b""
        endpoint = getattr(self, "endpoint_" + url.path.strip("/"), None)
        try:
            if endpoint is None:
                self.reply(404, b"no such endpoint")
            else:
                endpoint()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    def param(self, name, default=None):
        values = self.query.get(name)
        return values[-1] if values else default

    def reply(self, status, body, headers=(), content_type="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def start_chunked(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def end_chunked(self):
        self.wfile.write(b"0\r\n\r\n")

    def wait_for_disconnect(self, timeout):
        """True once the client closes the connection, False if it stays open for timeout seconds."""
        deadline = time.monotonic() + timeout
        while (remaining := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], remaining)
            if readable:
                try:
                    return self.connection.recv(1, socket.MSG_PEEK) == b""
                except ConnectionResetError:
                    return True
        return False

    def endpoint_echo(self):
        report = {
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": base64.b64encode(self.body).decode(),
            "client_port": self.client_address[1],
        }
        self.reply(200, json.dumps(report).encode(), content_type="application/json")

    def endpoint_delay(self):
        milliseconds = int(self.param("ms", "0"))
        time.sleep(milliseconds / 1000)
        self.reply(200, b"waited %d ms" % milliseconds)

    def endpoint_gated(self):
        gate = "release:" + self.param("id", "")
        self.start_chunked()
        self.chunk(b"data: one\n\n")
        SIGNALS.wait(gate, LONG_WAIT)
        self.chunk(b"data: two\n\n")
        self.end_chunked()

    def endpoint_release(self):
        SIGNALS.fire("release:" + self.param("id", ""))
        self.reply(200, b"released")

    def endpoint_drip(self):
        count = int(self.param("count", "10"))
        gap = int(self.param("gap_ms", "100")) / 1000
        self.start_chunked()
        for index in range(count):
            if index > 0:
                time.sleep(gap)
            self.chunk(b"data: %d\n\n" % index)
        self.end_chunked()

    def endpoint_hang(self):
        name = self.param("id", "")
        if self.param("head") == "1":
            self.start_chunked()
        SIGNALS.fire("arrived:" + name)
        if self.wait_for_disconnect(LONG_WAIT):
            SIGNALS.fire("disconnected:" + name)
        self.close_connection = True

    def endpoint_wait(self):
        timeout = float(self.param("timeout", "30"))
        happened, at = SIGNALS.wait(self.param("name", ""), timeout)
        self.reply(200, json.dumps({"happened": happened, "at": at}).encode(), content_type="application/json")

    def endpoint_status(self):
        code = int(self.param("code", "200"))
        headers = [tuple(field.split(":", 1)) for field in self.query.get("header", [])]
        self.reply(code, b"status %d" % code, headers=headers)

    def endpoint_large(self):
        size = int(self.param("bytes", "0"))
        pattern = bytes(range(251))
        body = (pattern * (size // len(pattern) + 1))[:size]
        self.reply(200, body, content_type="application/octet-stream")

    def endpoint_gzip(self):
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            self.reply(406, b"client did not offer gzip")
            return
        body = gzip.compress(b"hello gzip " * 100)
        self.reply(200, body, headers=[("Content-Encoding", "gzip")])


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog of 5 would make a burst of concurrent connections wait for SYN retries.
    request_queue_size = 1024


def serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    arguments = parser.parse_args()

    port = serve(Server(("127.0.0.1", 0), Handler))
    tls_port = 0
    if arguments.tls_cert and arguments.tls_key:
        tls_server = Server(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
        tls_server.socket = context.wrap_socket(tls_server.socket, server_side=True)
        tls_port = serve(tls_server)

    print(port, tls_port, flush=True)
    sys.stdin.read()  # Returns when the parent closes our stdin or exits.
    os._exit(0)


if __name__ == "__main__":
    main()
