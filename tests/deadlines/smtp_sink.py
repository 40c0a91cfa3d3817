"""A minimal SMTP server on a loopback port that keeps the messages it receives (tests only)."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self._send("220 sink ESMTP")
        envelope: dict = {"to": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").strip()
            upper = command.upper()
            if upper.startswith(("EHLO", "HELO")):
                self._send("250 sink")
            elif upper.startswith("MAIL FROM"):
                envelope = {"from": command[10:], "to": []}
                self._send("250 ok")
            elif upper.startswith("RCPT TO"):
                envelope["to"].append(command[8:].strip("<> "))
                self._send("250 ok")
            elif upper == "DATA":
                self._send("354 end with .")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk in (b".\r\n", b".\n", b""):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received += 1
                if self.server.received in self.server.refuse:
                    self._send("554 refused for the test")
                    continue
                self.server.messages.append((envelope["to"], message_from_bytes(bytes(data), policy=policy.default)))
                self._send("250 queued")
            elif upper == "QUIT":
                self._send("221 bye")
                return
            else:
                self._send("250 ok")

    def _send(self, text: str) -> None:
        self.wfile.write((text + "\r\n").encode("ascii"))


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.messages: list = []
        self.received = 0  # messages offered, accepted or not
        self.refuse: set[int] = set()  # the n-th messages offered (1-based) are refused with 554
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.shutdown()
        self.server_close()
