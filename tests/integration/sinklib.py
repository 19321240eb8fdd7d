"""sinklib.py: what http_sink.py and smtp_sink.py share: their options, atomic
writes (a test reads a record or the port file only whole), and serving on
127.0.0.1 until SIGTERM."""
import argparse
import os
import signal
import threading


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--port-file", required=True, help="where the chosen port is written")
    p.add_argument("--dir", required=True, help="where what arrives is stored")
    p.add_argument("--fail", type=int, default=0, help="refuse the first N deliveries")
    return p


def write_atomic(path, data):
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


class Counter:
    """A thread-safe sequence: 1, 2, 3..."""

    def __init__(self):
        self._lock = threading.Lock()
        self._n = 0

    def next(self):
        with self._lock:
            self._n += 1
            return self._n


def serve(server, port_file):
    """Serve until SIGTERM (or SIGINT); the port file appears once listening."""
    server.daemon_threads = True

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return: not from its own thread
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    write_atomic(port_file, b"%d\n" % server.server_address[1])
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
