"""What a text input really is: its encoding (``input_spec.encoding``, a byte-order mark wins) and
whether it is text at all (a PDF, a ZIP or random bytes named ``.csv`` are refused before Spark
makes rows of them), and whether a compressed file has its codec's signature."""

from __future__ import annotations

import codecs
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError, DataError

HEAD_BYTES = 64 * 1024

# Byte-order marks, longest first: (bom, Python codec that strips it, Spark/Java charset).
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
# Python's canonical codec name -> the Java charset Spark is given.
_JAVA_CHARSETS = {
    "utf-8": "UTF-8",
    "iso8859-1": "ISO-8859-1",
    "latin-1": "ISO-8859-1",
    "cp1252": "windows-1252",
    "ascii": "US-ASCII",
    "iso8859-15": "ISO-8859-15",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16LE",
    "utf-16-be": "UTF-16BE",
}
# Leading bytes of formats that are not text, and what to call them.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"BZh", "bzip2-compressed data"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (b"\xfd7zXZ\x00", "xz-compressed data"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (an old Excel or Word file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
# Extension -> (signature, codec name) of the compressed files whose signature is checked.
_CODEC_SIGNATURES = {".gz": (b"\x1f\x8b", "gzip"), ".gzip": (b"\x1f\x8b", "gzip"), ".bz2": (b"BZh", "bzip2"),
                     ".zst": (b"\x28\xb5\x2f\xfd", "zstd"), ".xz": (b"\xfd7zXZ\x00", "xz")}  # fmt: skip
# Bytes that never occur in text (C0 controls except tab, line feed, form feed, carriage return).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CONTROL_TABLE = bytes.maketrans(b"", b"")


@dataclass(frozen=True)
class TextEncoding:
    """How to decode a text input: the Python codec (one that strips a BOM when the file has one),
    the Java charset Spark is given, and whether the file starts with a BOM."""

    codec: str
    charset: str
    bom: bool = False

    @property
    def ascii_compatible(self) -> bool:
        """Whether ASCII characters (delimiters, quotes, line ends) are single bytes as themselves."""
        return not self.bom and not self.codec.startswith("utf-16")


def declared(input_spec: Mapping[str, Any], spec_file: str | None = None) -> TextEncoding:
    """The ``input_spec.encoding`` (default UTF-8); a ConfigError for a name no codec has."""
    name = input_spec.get("encoding") or "utf-8"
    try:
        canonical = codecs.lookup(str(name)).name
    except LookupError:
        raise ConfigError(
            f"encoding {name!r} is not a known character encoding; expected e.g. utf-8, latin-1, cp1252, utf-16",
            file=spec_file,
            location="$.input_spec.encoding",
        ) from None
    return TextEncoding(canonical, _JAVA_CHARSETS.get(canonical, str(name)))


def sniff(head: bytes, declared_encoding: TextEncoding) -> TextEncoding:
    """The encoding to read with: a byte-order mark at the start of ``head`` wins over the declared one."""
    for bom, codec, charset in _BOMS:
        if head.startswith(bom):
            return TextEncoding(codec, charset, bom=True)
    return declared_encoding


def refuse_binary(head: bytes, encoding: TextEncoding, label: str) -> None:
    """A DataError when ``head`` (the file's first bytes) is a known binary format, or has NUL bytes
    or other control bytes no text has (in an encoding where ASCII is itself)."""
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise DataError(f"the file is {what}, not delimited text; expected a text file", file=label)
    if not encoding.ascii_compatible or not head:
        return
    controls = len(head) - len(head.translate(_CONTROL_TABLE, _CONTROL))
    if b"\x00" in head or controls * 100 > len(head):
        raise DataError(
            f"the file holds binary content ({controls} control bytes in its first {len(head)} bytes), not text; "
            "expected a text file (declare input_spec.encoding if it is text in UTF-16 without a byte-order mark)",
            file=label,
        )


def check_codec_signature(path: str, head: bytes, label: str) -> None:
    """A DataError when a file named as compressed (``.gz``, ``.bz2``, ...) lacks its codec's signature."""
    extension = os.path.splitext(path)[1].lower()
    expected = _CODEC_SIGNATURES.get(extension)
    if expected is None or not head:
        return
    signature, codec = expected
    if not head.startswith(signature):
        raise DataError(
            f"the file is named {extension} but is not {codec}-compressed (it starts with {head[:8]!r}); "
            f"expected {codec} data, or rename the file without {extension}",
            file=label,
        )
