"""JSON input (reference §13.5): JSON Lines by default, one multi-line document on request."""

from __future__ import annotations

from .options import BOOLEAN_LIKE, flag
from .registry import ReadRequest, ReadResult, reader

SECTIONS = {
    "json": {
        "type": "object",
        "description": "JSON options; JSON Lines unless multiline is true.",
        "properties": {"multiline": {**BOOLEAN_LIKE, "description": "One JSON document over several lines."}},
    }
}


@reader("json", order=30, matches=lambda extension, input_spec: extension in (".json", ".jsonl"), sections=SECTIONS)
def read_json(request: ReadRequest) -> ReadResult:
    """JSON Lines (default) or multi-line JSON; decimals preferred over doubles, comments allowed."""
    multiline = flag(request.section("json").get("multiline"), False)
    df = (
        request.spark.read.format("json")
        .option("prefersDecimal", "true")
        .option("allowComments", "true")
        .option("multiLine", str(multiline).lower())
        .option("mode", "PERMISSIVE")
        .load(request.path)
    )
    return ReadResult(df)
