#!/usr/bin/python3
"""smtp_sink.py --port-file FILE --dir DIR [--fail N]: an SMTP receiver for
it_deliver.sh (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH).
The first N DATA commands are answered 451; each message after them is stored
as DIR/NNNN.eml (as received, dots unstuffed) with its envelope beside it in
DIR/NNNN.envelope.json."""
import json
import os
import socketserver
import sys

import sinklib

MAX_LINE = 65536


def main():
    args = sinklib.parser(__doc__.splitlines()[0]).parse_args()
    attempts = sinklib.Counter()
    stored = sinklib.Counter()

    class Handler(socketserver.StreamRequestHandler):
        timeout = 30

        def reply(self, text):
            self.wfile.write(text.encode() + b"\r\n")
            self.wfile.flush()

        def data(self):
            lines = []
            while True:
                line = self.rfile.readline(MAX_LINE)
                if not line:
                    return None
                if line in (b".\r\n", b".\n"):
                    return b"".join(lines)
                lines.append(line[1:] if line.startswith(b".") else line)

        def handle(self):
            try:
                self.session()
            except (ConnectionError, TimeoutError):
                pass  # a client gone (curl after a failed TLS hello) or idle

        def session(self):
            sender, rcpts = None, []
            self.reply("220 smtp_sink ready")
            while True:
                line = self.rfile.readline(MAX_LINE)
                if not line:
                    return
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                verb = text[:4].upper()
                if verb == "EHLO":
                    self.reply("250-smtp_sink\r\n250 8BITMIME")
                elif verb == "HELO":
                    self.reply("250 smtp_sink")
                elif text.upper().startswith("MAIL FROM:"):
                    sender, rcpts = text[10:].strip(), []
                    self.reply("250 ok")
                elif text.upper().startswith("RCPT TO:"):
                    if sender is None:
                        self.reply("503 MAIL first")
                        continue
                    rcpts.append(text[8:].strip())
                    self.reply("250 ok")
                elif verb == "DATA":
                    if not rcpts:
                        self.reply("503 RCPT first")
                    elif attempts.next() <= args.fail:
                        self.reply("451 4.3.0 smtp_sink failing on purpose")
                    else:
                        self.reply("354 end with <CRLF>.<CRLF>")
                        message = self.data()
                        if message is None:
                            return
                        n = stored.next()
                        base = os.path.join(args.dir, "%04d" % n)
                        envelope = {"from": sender, "to": rcpts}
                        sinklib.write_atomic(base + ".envelope.json", json.dumps(envelope).encode())
                        sinklib.write_atomic(base + ".eml", message)
                        self.reply("250 stored as %04d" % n)
                    sender, rcpts = None, []
                elif verb == "RSET":
                    sender, rcpts = None, []
                    self.reply("250 ok")
                elif verb == "NOOP":
                    self.reply("250 ok")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")

    class Server(socketserver.ThreadingTCPServer):
        allow_reuse_address = True

    sinklib.serve(Server(("127.0.0.1", 0), Handler), args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
