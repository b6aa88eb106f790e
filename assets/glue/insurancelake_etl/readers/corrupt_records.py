"""Records Spark itself could not parse (JSON, XML): Spark's PERMISSIVE mode keeps each in the
``_corrupt_record`` column and sets the row's other fields to null. Here they are taken out of the
rows, located in the file (line of their first character) and handed to the ``bad_records`` policy,
so they never reach the Cleanse table as a ``_corrupt_record`` column or a row of nulls.

Spark adds the column only when it met a corrupt record while inferring the schema, so a clean file
costs nothing here.
"""

from __future__ import annotations

import io
import re
import logging
from contextlib import closing
from collections.abc import Callable

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .bad_records import BadRecord, clip, enforce
from .line_scan import HeadFirst, open_input
from .registry import ReadRequest, ReadResult
from .text_encoding import HEAD_BYTES, TextEncoding, declared, refuse_binary, sniff

logger = logging.getLogger(__name__)

CORRUPT_COLUMN = "_corrupt_record"


def look_at_head(request: ReadRequest) -> TextEncoding:
    """Refuse a binary file before Spark reads it; the encoding to read with (a BOM wins)."""
    encoding = declared(request.input_spec, request.file_label or None)
    opened = open_input(request.path)
    if opened is None:
        return encoding
    with closing(opened[0]) as stream:
        head = stream.read(HEAD_BYTES)
    encoding = sniff(head, encoding)
    refuse_binary(head, encoding, request.label)
    return encoding


def split_corrupt(request: ReadRequest, df: DataFrame, describe: Callable[[str], str], encoding: TextEncoding,
                  *, line_records: bool) -> ReadResult:  # fmt: skip
    """The rows without corrupt records, and the corrupt ones as bad records (a DataError naming the
    first under the ``fail`` policy). ``describe`` says what is wrong with one record's text;
    ``line_records`` says a record is a line (JSON Lines) rather than a whole document or element."""
    if CORRUPT_COLUMN not in df.columns:
        return ReadResult(df)
    if df.columns == [CORRUPT_COLUMN]:
        # Nothing parsed, and Spark refuses any query of the corrupt column alone: the records are
        # the file's lines (or the whole file), read on the driver.
        content = _content(request.path, encoding)
        texts = [line for line in content.splitlines() if line.strip()] if line_records else [content.strip()]
        good = df.limit(0).drop(CORRUPT_COLUMN)
    else:
        # Spark refuses a query of only the corrupt column on an uncached read; the job caches it anyway.
        df = df.cache()
        corrupt = F.col(CORRUPT_COLUMN)
        texts = [row[0] for row in df.where(corrupt.isNotNull()).select(corrupt).collect()]
        good = df.where(corrupt.isNull()).drop(CORRUPT_COLUMN)
    bad = [BadRecord(line, clip(text), describe(text)) for line, text in zip(_lines_of(request.path, texts, encoding),
                                                                            texts, strict=True)]  # fmt: skip
    quarantined = enforce(bad, request.input_spec, request.label)
    logger.warning("%s: %d corrupt records quarantined", request.label, len(quarantined))
    return ReadResult(good, None, quarantined)


def _content(path: str, encoding: TextEncoding) -> str:
    """The file's text, undecodable bytes as U+FFFD (as Spark decodes them)."""
    opened = open_input(path)
    if opened is None:
        return ""
    with closing(opened[0]) as stream:
        return io.TextIOWrapper(io.BufferedReader(HeadFirst(b"", stream)), encoding=encoding.codec, errors="replace",
                                newline="").read()  # fmt: skip


def _lines_of(path: str, texts: list[str], encoding: TextEncoding) -> list[int]:
    """The 1-based line where each record text starts in the file, searched in file order (0 when
    not found: the file changed, or Spark normalised the text)."""
    content = _content(path, encoding)
    found, position = [], 0
    for text in texts:
        # A whole line first (a JSON Lines record), else anywhere (an XML row element).
        whole_line = re.compile(r"(?:^|(?<=\n))" + re.escape(text) + r"(?=\r?\n|$)")
        match = whole_line.search(content, position) or whole_line.search(content)
        at = match.start() if match else content.find(text, position)
        if at < 0:
            found.append(0)
            continue
        found.append(content.count("\n", 0, at) + 1)
        position = at + len(text)
    return found
