"""Whether a delimited file may be read line by line instead of with ``multiLine=true``.

The reference reads delimited text with ``multiLine=true``, which makes the file one unsplittable
partition. :func:`single_line_records` scans the file once on the driver and says when line mode gives
the same records (then the file is read in as many partitions as it has splits), with the exact
record count as a bonus.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Mapping
from itertools import repeat
from typing import Any

from .. import objectstore

# Why line mode may replace multiLine, and when it may not.
#
# With multiLine=true Spark hands the whole file to one univocity parser; with multiLine=false Hadoop
# cuts the file into lines (at \n, \r\n or \r), each split parses its lines with the same univocity
# settings, the first line of the file is dropped as the header, and lines whose ``trim()`` is empty
# are skipped. The two give the same records exactly when:
#
# 1. no record spans a line break: every quote character of the file belongs to a quoted field that
#    starts at a field start (line start or after the delimiter) and closes on the same line right
#    before a delimiter or the line end, with doubled quotes (escape = quote) inside. With a
#    one-character delimiter, field starts are unambiguous: a quote that is not such a field is
#    either inside an unquoted field or an unclosed quoted field, and stays after all well-formed
#    quoted fields are removed left to right, so "no quote left" is the test. Other delimiters
#    (several characters) are only accepted when the file has no quote at all;
# 2. every line ends the same way (all \n, or all \r\n): multiLine detects the first ending and
#    keeps any other \r as data, line mode cuts at every \r;
# 3. no blank or whitespace-only line (line mode drops them before parsing), no byte-order mark
#    (univocity drops it, line mode keeps it in the first column name), and, with a header, no data
#    line equal to the header line (line mode's schema inference skips such lines);
# 4. the file is plain (no compression codec, whose bytes this scan cannot read) and the escape
#    character is the quote or absent from the file.
#
# Anything else, and any file the scan cannot open (a scheme other than file:// and s3://), keeps
# multiLine=true: the reference's behaviour. The scan streams the file once on the driver in
# SCAN_CHUNK_BYTES pieces cut at line ends; at 1M rows (408 MB) it takes about a quarter of the time
# of a bare Spark copy of the file (bench/README.md, issue 12 third pass), before Spark starts.

SCAN_CHUNK_BYTES = 16 * 1024 * 1024
_CODEC_EXTENSIONS = (".gz", ".gzip", ".bz2", ".deflate", ".snappy", ".lz4", ".zst", ".xz", ".zip", ".br")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_BLANK_LINE = re.compile(rb"\n[\x00-\x09\x0b-\x20]*\n")


class HeadFirst(io.RawIOBase):
    """A raw stream that replays the bytes already read (``head``) before the rest of ``stream``."""

    def __init__(self, head: bytes, stream: Any) -> None:
        self._head, self._stream = head, stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _open_stream(path: str) -> Any:
    """A binary stream of the file at ``path`` (``file://``, a plain path or ``s3://``), else None."""
    opened = open_input(path)
    return None if opened is None else opened[0]


def open_input(path: str) -> tuple[Any, int] | None:
    """A binary stream of the file at ``path`` (``file://``, a plain path or ``s3://``) and its size in
    bytes, else None (absent, unreadable or another scheme: Spark reports it when it reads)."""
    if objectstore.is_s3(path):
        bucket, key = objectstore._split_s3(path)
        try:
            response = objectstore.s3_client().get_object(Bucket=bucket, Key=key)
        except Exception:  # absent or unreadable: Spark reports it when it reads
            return None
        return response["Body"], int(response.get("ContentLength") or 0)
    if "://" in path and not path.startswith("file:"):
        return None
    local = objectstore._local_path(path)
    return (open(local, "rb"), local.stat().st_size) if local.is_file() else None


def _chunks(stream: Any, size: int) -> Iterator[bytes]:
    """The stream's bytes in pieces that end at a ``\n`` (the last one may not)."""
    rest = b""
    while True:
        data = stream.read(size)
        if not data:
            break
        data = rest + data
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            rest = data
            continue
        rest = data[cut:]
        yield data[:cut]
    if rest:
        yield rest


def single_line_records(path: str, options: Mapping[str, str]) -> int | None:
    """The number of records (data lines) of the delimited UTF-8 file at ``path`` when it parses to
    the same records line by line as with ``multiLine=true`` under ``options`` (the conditions are
    listed above this function) and every line has the header's number of fields, else None."""
    if os.path.splitext(path)[1].lower() in _CODEC_EXTENSIONS:
        return None
    stream = _open_stream(path)
    if stream is None:
        return None
    try:
        return line_records(stream, options, "utf-8")
    finally:
        stream.close()


def _lines_equal_to(text: bytes, line: bytes) -> int:
    """How many lines of ``text`` (which starts and ends with ``\n``) are exactly ``line``.

    A plain substring search: a pattern starting with a look-behind made the regex engine try every
    position of the file, the slowest step of the scan (issue 12). Matches may overlap by their
    ``\n`` (a header repeated on the next line counts too)."""
    needle = b"\n" + line + b"\n"
    count, at = 0, text.find(needle)
    while at >= 0:
        count += 1
        at = text.find(needle, at + len(needle) - 1)
    return count


def line_records(stream: Any, options: Mapping[str, str], codec: str) -> int | None:
    """:func:`single_line_records` of an open binary stream of text in ``codec`` (one that encodes
    ASCII as itself); None as soon as one condition fails, or a line does not decode, holds a NUL
    byte or has another number of fields than the first line."""
    found = _scan_lines(stream, options, codec)
    if found is None:
        return None
    return max(found - 1, 0) if options.get("header") == "true" else found


def _scan_lines(stream: Any, options: Mapping[str, str], codec: str) -> int | None:
    """The file's line count when line mode is equivalent, else None."""
    delimiter, quote, escape = options["delimiter"], options["quote"], options["escape"]
    if len(quote) > 1 or len(escape) > 1 or not delimiter or "\\" in delimiter:
        return None
    if quote and (quote in delimiter or quote in "\r\n"):
        return None
    quote_byte = quote.encode("utf-8") if quote else b"\x00"
    if escape != quote and not escape:
        return None
    escape_byte = escape.encode("utf-8") if escape != quote else None
    single = len(delimiter) == 1 and ord(delimiter) < 128 and delimiter not in "\r\n"
    delimiter_bytes = delimiter.encode(codec)
    quoted_field = None
    if single:
        q, d = re.escape(quote_byte), re.escape(delimiter.encode("ascii"))
        # The literal quote first (fast search), then "was it at a field start" as a look-behind.
        quoted_field = re.compile(q + rb"(?<=[\n" + d + rb"]" + q + rb")(?:[^\n" + q + rb"]++|" + q + q + rb")*" + q
                                  + rb"(?=[\n" + d + rb"])")  # fmt: skip
    header = options.get("header") == "true"
    first = True
    header_line = b""
    header_seen = 0
    crlf: bool | None = None
    lines = 0
    fields = 0
    for chunk in _chunks(stream, SCAN_CHUNK_BYTES):
        if first:
            if chunk.startswith(_BOMS):
                return None
            first_end = chunk.find(b"\n")
            crlf = first_end > 0 and chunk[first_end - 1 : first_end] == b"\r"
            header_line = chunk[: first_end if first_end >= 0 else len(chunk)]
            header_line = header_line[:-1] if crlf else header_line
        # Bytes the codec cannot decode and NUL bytes (binary content) are bad records: the full
        # scan (record_check) finds and names them.
        if b"\x00" in chunk:
            return None
        try:
            chunk.decode(codec)
        except UnicodeDecodeError:
            return None
        carriage = chunk.count(b"\r")
        if crlf:
            if not carriage == chunk.count(b"\r\n") == chunk.count(b"\n"):
                return None
            chunk = chunk.replace(b"\r\n", b"\n")
        elif carriage:
            return None
        text = b"\n" + chunk + (b"" if chunk.endswith(b"\n") else b"\n")
        if _BLANK_LINE.search(text):
            return None
        if header:
            header_seen += _lines_equal_to(text, header_line)
            if header_seen > 1:
                return None
        if escape_byte is not None and escape_byte in text:
            return None
        unquoted = text
        if quote_byte in text:
            if quoted_field is None:
                return None
            unquoted = quoted_field.sub(b"", text)
            if quote_byte in unquoted:
                return None
        # Every line must have the first line's number of fields (Spark would pad a short line with
        # nulls and drop the extra fields of a long one). Quoted fields are gone from ``unquoted``, so
        # every delimiter left separates two fields.
        line_texts = unquoted[1:-1].split(b"\n")
        counts = set(map(bytes.count, line_texts, repeat(delimiter_bytes)))
        if first:
            fields = unquoted[1:].split(b"\n", 1)[0].count(delimiter_bytes)
        if counts != {fields}:
            return None
        lines += len(line_texts)
        first = False
    return None if first else lines
