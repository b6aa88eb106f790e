"""XML input (reference §13.6) through spark-xml."""

from __future__ import annotations

from .registry import ReadRequest, ReadResult, reader

SECTIONS = {
    "xml": {
        "type": "object",
        "description": "XML options.",
        "properties": {"row_tag": {"type": "string", "minLength": 1, "description": "Row element (default row)."}},
    }
}


@reader("xml", order=40, matches=lambda extension, input_spec: extension == ".xml", sections=SECTIONS)
def read_xml(request: ReadRequest) -> ReadResult:
    """XML rows by ``row_tag`` (default ``row``)."""
    df = (
        request.spark.read.format("xml")
        .option("rowTag", request.section("xml").get("row_tag") or "row")
        .option("mode", "PERMISSIVE")
        .load(request.path)
    )
    return ReadResult(df)
