#!/usr/bin/python3
"""http_sink.py --port-file FILE --dir DIR [--fail N] [--reply-json TEXT]: a
webhook receiver for it_deliver.sh. Each POST is stored as DIR/NNNN.json
({"path", "headers" (names lower-case), "body" (text), "status"}) before it is
answered: 500 to the first N, then 200 with the reply JSON."""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import sinklib


def main():
    p = sinklib.parser(__doc__.splitlines()[0])
    p.add_argument("--reply-json", default='{"errcode":0,"errmsg":"ok"}')
    args = p.parse_args()
    seq = sinklib.Counter()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = seq.next()
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status = 500 if n <= args.fail else 200
            reply = b"sink failing on purpose" if status == 500 else args.reply_json.encode()
            record = {
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
                "status": status,
            }
            data = json.dumps(record, ensure_ascii=False, indent=1).encode()
            sinklib.write_atomic(os.path.join(args.dir, "%04d.json" % n), data)
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, fmt, *a):
            pass

    sinklib.serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler), args.port_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
