"""JSON input (reference §13.5): JSON Lines by default, one multi-line document on request.

A line (or document) Spark cannot parse is a bad record (:mod:`.corrupt_records`), never a
``_corrupt_record`` column in the Cleanse table.
"""

from __future__ import annotations

import json

from .corrupt_records import look_at_head, split_corrupt
from .options import BOOLEAN_LIKE, flag
from .registry import ReadRequest, ReadResult, reader

SECTIONS = {
    "json": {
        "type": "object",
        "description": "JSON options; JSON Lines unless multiline is true.",
        "properties": {"multiline": {**BOOLEAN_LIKE, "description": "One JSON document over several lines."}},
    }
}


def describe_json(text: str) -> str:
    """What is wrong with one JSON record's text."""
    if "\ufffd" in text:
        return "holds bytes that cannot be decoded in the file's encoding; set input_spec.encoding if the file is not UTF-8"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno} of the record"
    return "Spark cannot read it as a JSON object"


@reader("json", order=30, matches=lambda extension, input_spec: extension in (".json", ".jsonl"), sections=SECTIONS)
def read_json(request: ReadRequest) -> ReadResult:
    """JSON Lines (default) or multi-line JSON; decimals preferred over doubles, comments allowed."""
    encoding = look_at_head(request)
    multiline = flag(request.section("json").get("multiline"), False)
    reader_ = (
        request.spark.read.format("json")
        .option("prefersDecimal", "true")
        .option("allowComments", "true")
        .option("multiLine", str(multiline).lower())
        .option("mode", "PERMISSIVE")
    )
    if encoding.bom or encoding.charset != "UTF-8":
        reader_ = reader_.option("encoding", encoding.charset)
    return split_corrupt(request, reader_.load(request.path), describe_json, encoding, line_records=not multiline)
