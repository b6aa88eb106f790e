"""XML input (reference §13.6) through spark-xml.

A row element Spark cannot parse is a bad record (:mod:`.corrupt_records`), never a
``_corrupt_record`` column in the Cleanse table.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from ..spark_packages import require_package
from .corrupt_records import look_at_head, split_corrupt
from .registry import ReadRequest, ReadResult, reader

SECTIONS = {
    "xml": {
        "type": "object",
        "description": "XML options.",
        "properties": {"row_tag": {"type": "string", "minLength": 1, "description": "Row element (default row)."}},
    }
}


def describe_xml(text: str) -> str:
    """What is wrong with one XML row element's text."""
    try:
        ElementTree.fromstring(text)  # noqa: S314 - parses a string already read, no entities are fetched
    except ElementTree.ParseError as error:
        return f"malformed XML record: {error}"
    return "Spark cannot read the XML record"


@reader("xml", order=40, matches=lambda extension, input_spec: extension == ".xml", sections=SECTIONS)
def read_xml(request: ReadRequest) -> ReadResult:
    """XML rows by ``row_tag`` (default ``row``)."""
    # Without the spark-xml jar (a Glue job without it in extraJars) the error says which jar and where.
    require_package(request.spark, "xml", file=request.label, location="$.input_spec.xml")
    encoding = look_at_head(request)
    df = (
        request.spark.read.format("xml")
        .option("rowTag", request.section("xml").get("row_tag") or "row")
        .option("mode", "PERMISSIVE")
        .option("charset", encoding.charset)
        .load(request.path)
    )
    return split_corrupt(request, df, describe_xml, encoding, line_records=False)
