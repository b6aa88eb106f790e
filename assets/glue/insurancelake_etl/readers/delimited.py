"""Delimited text: CSV, TSV, pipe or any (multi-character) delimiter, with Spark's schema inference
(reference §13.3). The fallback reader: a file no other reader claims is read as CSV.

Before Spark reads a file, the driver looks at it (every file, so nothing is reshaped silently):

1. its first 64 KiB: a known binary format (PDF, ZIP, gzip, ...) or control bytes fail the file; a
   ``.gz``/``.bz2``/``.zst``/``.xz`` name without the codec's signature fails it; a byte-order mark
   sets the encoding (``input_spec.encoding``, UTF-8 by default, otherwise);
2. the fast line scan (:mod:`.line_scan`, plain files in an ASCII-compatible encoding): when every
   line is one well-formed record with the header's number of fields that decodes in the encoding,
   the file is read line by line (as many partitions as splits) and its row count is known. Spark's
   schema inference in line mode runs during the scan (:mod:`.background_read`) and is dropped when
   the scan does not confirm line mode;
3. otherwise the full record check (:mod:`.record_check`) finds the bad records: under
   ``bad_records: "fail"`` (default) the first one fails the file naming its line; under
   ``"quarantine"`` the good records are handed to Spark from the driver and the bad ones are
   returned for the ``<table>_quarantine_read`` table. A file without bad records is read with
   ``multiLine=true``, as the reference reads every file.

Compressed files: ``.gz``/``.gzip``/``.bz2`` are decompressed on the driver for the same checks (and a
truncated or damaged file fails: Spark would read it up to the damage without a word); other codecs
are left to Spark without record checks, after their signature is checked.

Big files: a file larger than :data:`SCAN_LIMIT_BYTES` (default 2 GiB, compressed size) is not
scanned (steps 2 and 3 would stream it through the driver): it is read with ``multiLine=true`` as the
reference does, without record checks, and a warning says so.
"""

from __future__ import annotations

import io
import logging
import bz2
import gzip
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
import os
from collections.abc import Mapping
from typing import Any, cast

from pyspark.sql import DataFrame

from ..errors import DataError
from .background_read import BackgroundRead
from .bad_records import enforce, policy
from .line_scan import _CODEC_EXTENSIONS, HeadFirst, line_records, open_input
from .options import BOOLEAN_LIKE, flag
from .record_check import check_records
from .registry import ReadRequest, ReadResult, reader
from .text_encoding import HEAD_BYTES, check_codec_signature, declared, refuse_binary, sniff

logger = logging.getLogger(__name__)

DELIMITED_DEFAULTS = {"csv": ",", "tsv": "\t", "pipe": "|"}
# Files above this size skip the driver-side scans (see the module docstring, "Big files").
SCAN_LIMIT_BYTES = 2 * 1024**3
# Codecs the driver decompresses to check the records (others are left to Spark unchecked).
_DECOMPRESSORS: dict[str, Callable[[Any], Any]] = {
    ".gz": lambda f: gzip.GzipFile(fileobj=f),
    ".gzip": lambda f: gzip.GzipFile(fileobj=f),
    ".bz2": bz2.BZ2File,
}


def _section_schema(default: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"Delimited text, default delimiter {default}.",
        "properties": {
            "header": {**BOOLEAN_LIKE, "description": "The first line holds the column names (default true)."},
            "delimiter": {
                "type": "string",
                "minLength": 1,
                "description": "Field separator; may be several characters (default: the section's own).",
            },
            "quote_character": {"type": "string", "maxLength": 1, "description": "Quote character (default \")."},
            "escape_character": {"type": "string", "maxLength": 1, "description": "Escape character (default \")."},
        },
    }


SECTIONS = {"csv": _section_schema("','"), "tsv": _section_schema("tab"), "pipe": _section_schema("'|'")}


def delimited_options(input_spec: Mapping[str, Any]) -> dict[str, str]:
    """Spark CSV options for the winning section (pipe > tsv > csv) of ``input_spec``."""
    section_name = "csv"
    for name in DELIMITED_DEFAULTS:
        if name in input_spec:
            section_name = name
    section = input_spec.get(section_name) or {}
    return {
        "header": str(flag(section.get("header"), True)).lower(),
        "delimiter": section.get("delimiter") or DELIMITED_DEFAULTS[section_name],
        "quote": section.get("quote_character", '"'),
        "escape": section.get("escape_character", '"'),
        "multiLine": "true",
        "inferSchema": "true",
        "mode": "PERMISSIVE",
    }


@reader("delimited", order=100, matches=lambda extension, input_spec: True, sections=SECTIONS)
def read_delimited(request: ReadRequest) -> ReadResult:
    """Check the file's records (module docstring), then read it line by line when the fast scan
    proved every line a good record (same rows, values and types as ``multiLine=true``, row count
    known), else with ``multiLine=true``, or, when bad records are quarantined, from the good
    records' text."""
    options = delimited_options(request.input_spec)
    label, path = request.label, request.path
    encoding = declared(request.input_spec, request.file_label or None)
    quarantine = policy(request.input_spec) == "quarantine"
    extension = os.path.splitext(path)[1].lower()
    opened = open_input(path)
    if opened is None:  # another scheme, or absent: Spark reads (and reports) it
        return ReadResult(_load(request, options, encoding.charset))
    raw, size = opened
    with closing(raw):
        head = raw.read(HEAD_BYTES)
        check_codec_signature(path, head, label)
        if extension in _CODEC_EXTENSIONS and extension not in _DECOMPRESSORS:
            logger.warning("%s is compressed with a codec the driver cannot read: read without record checks", label)
            return ReadResult(_load(request, options, encoding.charset))
        with _decompression_errors(label, extension):
            stream = _text_stream(HeadFirst(head, raw), extension)
            head = stream.read(HEAD_BYTES)
            encoding = sniff(head, encoding)
            refuse_binary(head, encoding, label)
            if size > SCAN_LIMIT_BYTES:
                logger.warning("%s is %d bytes, above the %d-byte scan limit: read with multiLine=true without "
                               "record checks", label, size, SCAN_LIMIT_BYTES)  # fmt: skip
                return ReadResult(_load(request, options, encoding.charset))
            if encoding.ascii_compatible:
                line_mode = {**options, "multiLine": "false"}
                # Spark infers the schema in line mode while the scan runs (.background_read).
                background = BackgroundRead(request.spark, lambda: _load(request, line_mode, encoding.charset))
                try:
                    records = line_records(io.BufferedReader(HeadFirst(head, stream)), options, encoding.codec)
                except BaseException:
                    background.cancel()
                    raise
                if records is not None:
                    logger.info("delimited %s read line by line (%d records)", label, records)
                    return ReadResult(background.result(), records)
                background.cancel()
    # The fast scan stopped early (or could not run): the full check reads the file again.
    reopened = open_input(path)
    if reopened is None:
        return ReadResult(_load(request, options, encoding.charset))
    with closing(reopened[0]), _decompression_errors(label, extension):
        full = io.BufferedReader(HeadFirst(b"", _text_stream(HeadFirst(b"", reopened[0]), extension)))
        check = check_records(full, options, encoding, label=label, keep_good=quarantine)
    bad = enforce(check.bad, request.input_spec, label)
    if bad:
        logger.warning("%s: %d bad records quarantined, %d good records read", label, len(bad), check.records)
        spark = request.spark
        lines = spark.sparkContext.parallelize(check.good, max(1, spark.sparkContext.defaultParallelism))
        reader_options = {k: v for k, v in options.items() if k != "multiLine"}
        # DataFrameReader.csv reads an RDD of records too (its type hints say only paths).
        return ReadResult(spark.read.options(**reader_options).csv(cast(Any, lines)), None, bad)
    logger.info("delimited %s read with multiLine=true", label)
    return ReadResult(_load(request, options, encoding.charset))


def _text_stream(raw: io.RawIOBase, extension: str) -> Any:
    """The file's bytes as text: decompressed for ``.gz``/``.bz2`` (whose reading also proves the
    file complete: Spark reads a truncated gzip file up to the cut without a word)."""
    buffered = io.BufferedReader(raw)
    decompressor = _DECOMPRESSORS.get(extension)
    return decompressor(buffered) if decompressor else buffered


@contextmanager
def _decompression_errors(label: str, extension: str) -> Iterator[None]:
    """A damaged compressed file as a DataError naming the file."""
    try:
        yield
    except (EOFError, OSError, zlib.error) as error:
        if extension not in _DECOMPRESSORS:
            raise
        raise DataError(
            f"the compressed file is damaged or incomplete ({error}); expected a complete {extension} file",
            file=label,
        ) from None


def _load(request: ReadRequest, options: Mapping[str, str], charset: str) -> DataFrame:
    return request.spark.read.format("csv").options(**options, encoding=charset).load(request.path)
