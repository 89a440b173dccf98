#!/usr/bin/python3
"""quietfetch's MongoDB-wire test server.

A MongoDB server for tests, speaking the wire protocol of MongoDB 5.0
(OP_MSG, and the legacy OP_QUERY handshake) on 127.0.0.1. Storage and query
semantics are mongomock's (Debian's python3-mongomock); the wire layer and
the cursors are this directory's (wire.py, engine.py). Data lives in memory
and is gone when the server stops.

  mongo_wire_server.py [--host 127.0.0.1] [--port 0] [--port-file FILE]
                       [--log-file FILE] [--verbose]

--port 0 (the default) takes a free port from the kernel; the port actually
bound is written to --port-file once the server accepts connections, which
is how scripts/mongo.sh knows the server is up. SIGTERM and SIGINT stop it.
Run it with Debian's /usr/bin/python3 (pymongo's bson and mongomock).
"""

import argparse
import datetime
import os
import signal
import socket
import socketserver
import sys
import threading
import traceback

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import engine  # noqa: E402
import wire  # noqa: E402


class Log:
    def __init__(self, path, verbose):
        self.verbose = verbose
        self.lock = threading.Lock()
        self.out = open(path, "a", buffering=1, encoding="utf-8") if path else sys.stderr

    def __call__(self, message):
        stamp = (
            datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4]
            + "Z"
        )
        with self.lock:
            self.out.write(f"{stamp} {message}\n")


class Connection:
    def __init__(self, conn_id, peer, local):
        self.id = conn_id
        self.peer = peer
        self.local = local
        self.app_name = None  # from the handshake's client.application.name


def read_exact(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks) if len(chunks) != 1 else chunks[0]


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        server = self.server
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = "%s:%d" % self.client_address[:2]
        local = "%s:%d" % sock.getsockname()[:2]
        conn = Connection(next(server.engine.connection_ids), peer, local)
        log = server.log
        log(f"conn{conn.id}: accepted from {peer}")
        reason = "end of stream"
        try:
            while True:
                header = read_exact(sock, wire.HEADER.size)
                if header is None:
                    break
                length, request_id, _, op_code = wire.HEADER.unpack(header)
                if length < wire.HEADER.size or length > wire.MAX_MESSAGE_SIZE + 1024:
                    raise wire.ProtocolError(f"message length {length} out of range")
                body = read_exact(sock, length - wire.HEADER.size)
                if body is None:
                    reason = "end of stream inside a message"
                    break
                reply = self.dispatch(conn, request_id, op_code, body)
                if reply is not None:
                    sock.sendall(reply)
        except wire.ProtocolError as error:
            reason = f"protocol error: {error}"
        except engine.CloseConnection:
            reason = "closed by the failCommand fail point"
        except (ConnectionError, OSError) as error:
            reason = f"socket error: {error}"
        except (
            Exception
        ) as error:  # noqa: BLE001 - a bug here closes one connection, never the server
            reason = f"internal error: {error!r}\n{traceback.format_exc()}"
        finally:
            log(f"conn{conn.id}: closed ({reason})")

    def dispatch(self, conn, request_id, op_code, body):
        server = self.server
        if op_code == wire.OP_MSG:
            flags, cmd = wire.parse_op_msg(body)
            db = cmd.pop("$db", None)
            if db is None:
                reply = engine.CommandError(
                    40571, "Location40571", "OP_MSG requests require a $db argument"
                ).reply()
            else:
                reply = server.engine.run(cmd, db, conn)
            if server.verbose or (isinstance(reply, dict) and not reply.get("ok")):
                self.log_command(conn, cmd, db, reply)
            if flags & wire.MSG_MORE_TO_COME:
                return None  # unacknowledged write: the client reads no reply
            data = reply if isinstance(reply, bytes) else wire.encode(reply)
            return wire.frame(
                server.next_request_id(), request_id, wire.OP_MSG, wire.op_msg_payload(data)
            )
        if op_code == wire.OP_QUERY:
            full_name, query = wire.parse_op_query(body)
            db, _, coll = full_name.partition(".")
            if coll != "$cmd":
                reply = {"$err": "OP_QUERY is only supported for commands", "code": 352, "ok": 0.0}
                return wire.frame(
                    server.next_request_id(),
                    request_id,
                    wire.OP_REPLY,
                    wire.op_reply_payload(wire.encode(reply), True),
                )
            if "$query" in query:
                query = query["$query"]
            reply = server.engine.run(query, db, conn)
            if server.verbose or (isinstance(reply, dict) and not reply.get("ok")):
                self.log_command(conn, query, db, reply, legacy=True)
            data = reply if isinstance(reply, bytes) else wire.encode(reply)
            return wire.frame(
                server.next_request_id(), request_id, wire.OP_REPLY, wire.op_reply_payload(data)
            )
        raise wire.ProtocolError(
            f"unsupported opcode {op_code} (MongoDB 5.1+ removed the legacy opcodes)"
        )

    def log_command(self, conn, cmd, db, reply, legacy=False):
        name = next(iter(cmd), "") if cmd else ""
        how = " (OP_QUERY)" if legacy else ""
        if isinstance(reply, dict) and not reply.get("ok"):
            self.server.log(
                f"conn{conn.id}: {db}.{name}{how} failed: {reply.get('code')} {reply.get('errmsg')}"
            )
        else:
            self.server.log(f"conn{conn.id}: {db}.{name}{how}")


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, log, verbose):
        self.log = log
        self.verbose = verbose
        self.engine = engine.Engine(log)
        self._request_ids = iter(range(1, 1 << 31))
        self._id_lock = threading.Lock()
        super().__init__(address, Handler)

    def next_request_id(self):
        with self._id_lock:
            return next(self._request_ids)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--log-file", help="append the log here (default: stderr)")
    parser.add_argument("--verbose", action="store_true", help="log every command")
    args = parser.parse_args()

    log = Log(args.log_file, args.verbose)
    server = Server((args.host, args.port), log, args.verbose)
    host, port = server.server_address[:2]

    def stop(signum, frame):
        log(f"signal {signum}: stopping")
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log(
        f"listening on {host}:{port} (pid {os.getpid()}; wire versions "
        f"{engine.MIN_WIRE_VERSION}-{engine.MAX_WIRE_VERSION}, reports version {engine.SERVER_VERSION}; "
        f"mongomock {engine.mongomock.__version__})"
    )
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        log("stopped")


if __name__ == "__main__":
    main()
