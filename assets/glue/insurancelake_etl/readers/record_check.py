"""The full check of a delimited file's records, for files the fast line scan (:mod:`.line_scan`)
does not pass: records spanning lines, a byte-order mark, another encoding, or a line it found wrong.

The file is decoded in its encoding and cut into records with Python's ``csv`` module (strict
quoting) under the reader's delimiter, quote and escape. A record is bad when it has another number
of fields than the header (Spark would pad it with nulls or drop its extra fields), a quoted value
that is never closed (Spark would read the rest of the file as that value), text after a closing
quote, bytes the encoding cannot decode (Spark would store U+FFFD) or a NUL byte. Empty lines are
skipped, as Spark skips them.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataError
from .bad_records import BadRecord, clip
from .text_encoding import TextEncoding

# Python's csv refuses fields above 128 KiB by default; Spark has no such limit.
csv.field_size_limit(sys.maxsize)
_UNDECODED = re.compile("[\udc80-\udcff]")
# Stands in for a several-character delimiter, which Python's csv cannot split at.
_UNIT_SEPARATOR = "\x1f"


@dataclass
class RecordCheck:
    """The outcome: data records that are good, the bad ones, and (when asked for) the raw text of
    the header and every good record, to hand to Spark without the bad ones."""

    records: int = 0
    bad: list[BadRecord] = field(default_factory=list)
    good: list[str] = field(default_factory=list)


def check_records(stream: Any, options: Mapping[str, str], encoding: TextEncoding, *, label: str,
                  keep_good: bool) -> RecordCheck:  # fmt: skip
    """Check every record of the binary ``stream`` (see the module docstring). A bad header fails
    the file (a DataError): nothing can be read without it."""
    delimiter, quote, escape = options["delimiter"], options["quote"], options["escape"]
    header = options.get("header") == "true"
    text = io.TextIOWrapper(stream, encoding=encoding.codec, errors="surrogateescape", newline="")
    separator = delimiter if len(delimiter) == 1 else _UNIT_SEPARATOR
    raw: list[str] = []

    def lines() -> Iterator[str]:
        for line in text:
            raw.append(line)
            yield line if separator == delimiter else line.replace(delimiter, separator)

    dialect: dict[str, Any] = {"delimiter": separator, "strict": True}
    if quote:
        dialect.update(quotechar=quote, doublequote=escape == quote, escapechar=None if escape == quote else escape or None)
    else:
        dialect.update(quoting=csv.QUOTE_NONE)
    reader = csv.reader(lines(), **dialect)
    result = RecordCheck()
    expected: int | None = None
    next_line = 1
    while True:
        problem = None
        try:
            record: list[str] | None = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            record, problem = None, _quote_problem(error, raw, delimiter, quote)
        record_text, start = "".join(raw), next_line
        next_line += len(raw)
        raw.clear()
        if record == []:
            continue
        problem = problem or _content_problem(record_text)
        if problem is None and record is not None:
            if expected is None:
                expected = len(record)
            elif len(record) != expected:
                problem = _field_count_problem(len(record), expected, header)
        if problem is not None:
            if expected is None and header:
                raise DataError(f"the header line is unreadable: {problem}", file=label, location=f"line {start}")
            result.bad.append(BadRecord(start, clip(_printable(record_text)), problem))
            continue
        if keep_good:
            result.good.append(record_text.rstrip("\r\n"))
        result.records += 1
    if header and result.records:
        result.records -= 1
    return result


def _field_count_problem(found: int, expected: int, header: bool) -> str:
    what = "the header" if header else "the first line"
    effect = "Spark would drop the extra fields" if found > expected else "Spark would fill the missing fields with nulls"
    return f"has {found} fields; expected {expected} like {what} ({effect})"


def _content_problem(record_text: str) -> str | None:
    """Undecodable bytes or a NUL byte in a record, with its column."""
    undecoded = _UNDECODED.search(record_text)
    if undecoded is not None:
        line_start = record_text.rfind("\n", 0, undecoded.start()) + 1
        byte = ord(undecoded.group()) - 0xDC00
        return (
            f"byte 0x{byte:02X} at column {undecoded.start() - line_start + 1} cannot be decoded in the file's "
            "encoding; set input_spec.encoding (e.g. \"latin-1\", \"cp1252\") if the file is not UTF-8"
        )
    nul = record_text.find("\x00")
    if nul >= 0:
        return f"NUL byte at column {nul - record_text.rfind(chr(10), 0, nul)}: binary content, not text"
    return None


def _quote_problem(error: csv.Error, lines: list[str], delimiter: str, quote: str) -> str:
    """What a strict-quoting error means, in the words of the file."""
    opened = _open_quote_column(lines[0] if lines else "", delimiter, quote)
    if len(lines) > 1 or "end of data" in str(error) or opened is not None:
        at = f" (started at column {opened})" if opened is not None else ""
        return f"quoted value is never closed{at}; Spark would read the lines after it as part of that value"
    return (
        f"text follows the closing quote of a quoted value ({error}); a quote inside a quoted value "
        "must be doubled"
    )


def _open_quote_column(line: str, delimiter: str, quote: str) -> int | None:
    """The 1-based column of the quote that opens a quoted value not closed on ``line``, else None."""
    if not quote:
        return None
    in_quote, field_start, opened, i = False, True, 0, 0
    body = line.rstrip("\r\n")
    while i < len(body):
        if in_quote:
            if body[i] == quote:
                if body[i + 1 : i + 2] == quote:
                    i += 1
                else:
                    in_quote = False
        elif field_start and body[i] == quote:
            in_quote, opened = True, i + 1
        if not in_quote and body.startswith(delimiter, i):
            field_start = True
            i += len(delimiter)
            continue
        field_start = False
        i += 1
    return opened if in_quote else None


def _printable(record_text: str) -> str:
    """A bad record's text with undecodable bytes written as ``\\xNN`` (they cannot be stored as text)."""
    return _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", record_text).rstrip("\r\n")
