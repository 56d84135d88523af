"""The CIN census schemas, vendored in schemas/ (see its README for their sources), and validation against them."""

import functools
import io
import os
from pathlib import Path
from typing import IO, Any

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"


def year_start(year: str) -> int:
    """'2025-26' -> 2025. Refuses anything that is not a collection year."""
    try:
        first, second = year.split("-")
        start = int(first)
    except (AttributeError, ValueError):
        raise ValueError(f"{year!r} is not a collection year like 2025-26") from None
    if len(first) != 4 or len(second) != 2 or int(second) != (start + 1) % 100:
        raise ValueError(f"{year!r} is not a collection year like 2025-26")
    return start


def schema_name(year: str) -> str:
    """The schema file for a collection year: 2026-27 on carries module 5 (our extension); before, 2025-26's."""
    return "CIN_schema_2026-27.xsd" if year_start(year) >= 2026 else "CIN_schema_2025-26.xsd"


def has_module5(year: str) -> bool:
    return year_start(year) >= 2026


@functools.cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


FULL_PARSE_BYTES = 32 << 20  # a file up to this size is checked whole (every error, with its line)


def validate_xsd(path_or_bytes: str | Path | bytes | IO[bytes], year: str) -> list[str]:
    """The schema errors of a census file (a path, its bytes or a binary file object at its start) for a collection
    year: [] when it is valid. Each error reads "line N: message".

    A large file (over FULL_PARSE_BYTES) is validated as it is read (lxml's iterparse with the schema), each child
    let go once read, so a large council's census is checked in flat memory; then only the first error is returned
    (without its line: libxml2 does not keep it when streaming)."""
    schema = _schema(schema_name(year))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    if isinstance(path_or_bytes, bytes | bytearray):
        source: Any = io.BytesIO(bytes(path_or_bytes))
    elif isinstance(path_or_bytes, str | Path):
        source = str(path_or_bytes)
    else:
        source = path_or_bytes
    if _size(source) <= FULL_PARSE_BYTES:
        try:
            document = etree.parse(source, parser)
        except etree.XMLSyntaxError as error:
            return [f"line {error.lineno}: {error.msg}"]
        if schema.validate(document):
            return []
        return [f"line {e.line}: {e.message}" for e in schema.error_log]
    try:
        for _, element in etree.iterparse(
            source, events=("end",), schema=schema, resolve_entities=False, no_network=True, huge_tree=True
        ):
            if element.tag == "Child":
                element.clear(keep_tail=True)
                while element.getprevious() is not None:
                    del element.getparent()[0]
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: {error.msg}" if error.lineno else error.msg]
    return []


def _size(source) -> int:
    if isinstance(source, str):
        return os.path.getsize(source)
    here = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell() - here
    source.seek(here)
    return size
