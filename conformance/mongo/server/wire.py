"""MongoDB wire protocol framing: just what drivers of MongoDB 3.6+ send.

A message is a 16-byte header (messageLength, requestID, responseTo, opCode,
little-endian int32s) and a body. Clients send OP_MSG for every command and,
for the first handshake only, a legacy OP_QUERY on "<db>.$cmd". Replies are
OP_MSG, or OP_REPLY to an OP_QUERY. Other legacy opcodes (OP_INSERT,
OP_GET_MORE, ...) were removed from MongoDB 5.1; the server drops the
connection on them, as mongod does.

Documents are encoded and decoded with pymongo's C extension.
"""

import struct

import bson
from bson.binary import UuidRepresentation
from bson.codec_options import CodecOptions

OP_REPLY = 1
OP_QUERY = 2004
OP_COMPRESSED = 2012
OP_MSG = 2013

MSG_CHECKSUM_PRESENT = 1 << 0
MSG_MORE_TO_COME = 1 << 1

HEADER = struct.Struct("<iiii")
_INT32 = struct.Struct("<i")
_UINT32 = struct.Struct("<I")
_OP_REPLY_PREFIX = struct.Struct("<iqii")

# Keep binary subtypes, int64 and everything else exactly as they came:
# documents go back to clients byte-for-byte equivalent.
CODEC = CodecOptions(uuid_representation=UuidRepresentation.UNSPECIFIED)

MAX_BSON_SIZE = 16 * 1024 * 1024
MAX_MESSAGE_SIZE = 48_000_000


class ProtocolError(Exception):
    """The peer sent bytes that are not a message this server understands.

    The connection is closed: there is no way to reply to a frame that cannot
    be parsed."""


def decode(data):
    return bson.decode(data, codec_options=CODEC)


def encode(doc):
    return bson.encode(doc, codec_options=CODEC)


def _cstring(buf, pos):
    end = buf.index(b"\x00", pos)
    return buf[pos:end].decode("utf-8"), end + 1


def _document_at(buf, pos, end):
    if pos + 5 > end:
        raise ProtocolError("truncated document")
    (size,) = _INT32.unpack_from(buf, pos)
    if size < 5 or pos + size > end:
        raise ProtocolError("document length out of range")
    return decode(buf[pos : pos + size]), pos + size


def parse_op_msg(body):
    """Returns (flag_bits, command document).

    Kind-1 sections (document sequences such as "documents" of an insert) are
    merged into the command as arrays under their identifier, which is what
    the server would see had the client sent them inline."""
    if len(body) < 5:
        raise ProtocolError("OP_MSG too short")
    (flags,) = _UINT32.unpack_from(body, 0)
    end = len(body) - (4 if flags & MSG_CHECKSUM_PRESENT else 0)
    pos = 4
    command = None
    sequences = []
    while pos < end:
        kind = body[pos]
        pos += 1
        if kind == 0:
            if command is not None:
                raise ProtocolError("OP_MSG with two body sections")
            command, pos = _document_at(body, pos, end)
        elif kind == 1:
            if pos + 4 > end:
                raise ProtocolError("truncated document sequence")
            (size,) = _INT32.unpack_from(body, pos)
            seq_end = pos + size
            if size < 5 or seq_end > end:
                raise ProtocolError("document sequence length out of range")
            name, p = _cstring(body, pos + 4)
            docs = []
            while p < seq_end:
                doc, p = _document_at(body, p, seq_end)
                docs.append(doc)
            sequences.append((name, docs))
            pos = seq_end
        else:
            raise ProtocolError(f"OP_MSG section kind {kind}")
    if command is None:
        raise ProtocolError("OP_MSG without a body section")
    for name, docs in sequences:
        command[name] = docs
    return flags, command


def parse_op_query(body):
    """Returns (full collection name, query document) of a legacy OP_QUERY."""
    if len(body) < 4:
        raise ProtocolError("OP_QUERY too short")
    try:
        name, pos = _cstring(body, 4)
    except ValueError as error:
        raise ProtocolError("OP_QUERY without a collection name") from error
    pos += 8  # numberToSkip, numberToReturn
    query, _ = _document_at(body, pos, len(body))
    return name, query


def frame(request_id, response_to, op_code, payload):
    return HEADER.pack(HEADER.size + len(payload), request_id, response_to, op_code) + payload


def op_msg_payload(reply_bytes):
    """OP_MSG body: no flags, one kind-0 section holding an encoded document."""
    return b"\x00\x00\x00\x00\x00" + reply_bytes


def op_reply_payload(reply_bytes, query_failure=False):
    flags = 2 if query_failure else 0
    return _OP_REPLY_PREFIX.pack(flags, 0, 0, 1) + reply_bytes


def encode_many(docs):
    """Encodes documents with one bson.encode call; returns their bytes.

    pymongo's encoder costs ~8 microseconds a call before it encodes anything,
    more than a small document itself, so documents go through in chunks and
    are cut out of the encoded array afterwards."""
    data = encode({"a": docs})
    # {"a": [..]}: int32, 0x04 "a\0", int32 array size, then elements.
    pos = 4 + 3 + 4
    out = []
    for _ in range(len(docs)):
        key_end = data.index(b"\x00", pos + 1)
        start = key_end + 1
        (size,) = _INT32.unpack_from(data, start)
        out.append(data[start : start + size])
        pos = start + size
    return out


def encode_cursor_reply(cursor_id, ns, batch_key, encoded_docs):
    """{cursor: {id, ns, <batch_key>: [docs]}, ok: 1.0} around documents that
    are already encoded: a batch costs a join, not an encode per document."""
    parts = []
    for index, doc in enumerate(encoded_docs):
        parts.append(b"\x03%d\x00" % index)
        parts.append(doc)
    array_body = b"".join(parts)
    array = _INT32.pack(len(array_body) + 5) + array_body + b"\x00"
    head = encode({"id": bson.int64.Int64(cursor_id), "ns": ns})
    cursor_body = head[4:-1] + b"\x04" + batch_key.encode() + b"\x00" + array
    cursor = _INT32.pack(len(cursor_body) + 5) + cursor_body + b"\x00"
    reply_body = b"\x03cursor\x00" + cursor + b"\x01ok\x00" + struct.pack("<d", 1.0)
    return _INT32.pack(len(reply_body) + 5) + reply_body + b"\x00"
