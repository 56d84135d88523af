"""Small CIN census files written by hand for the validator's tests: a header for a collection year and children given
as nested dicts (element -> text, a list for repeated elements), in the schema's order as the caller writes them."""

import xml.etree.ElementTree as ET


def _add(parent: ET.Element, name: str, value) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _add(parent, name, item)
        return
    element = ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _add(element, key, inner)
    else:
        element.text = str(value)


def census(children: list[dict], *, year: str = "2025-26", lea: str = "999") -> bytes:
    """A census file for the collection year '2025-26' (header Year 2026, ReferenceDate 2026-03-31)."""
    ending = int(year.split("-")[0]) + 1
    message = ET.Element("Message")
    header = ET.SubElement(message, "Header")
    _add(header, "CollectionDetails", {"Collection": "CIN", "Year": ending, "ReferenceDate": f"{ending}-03-31"})
    _add(
        header,
        "Source",
        {
            "SourceLevel": "L",
            "LEA": lea,
            "SoftwareCode": "FFP Case",
            "Release": "test",
            "SerialNo": "001",
            "DateTime": f"{ending}-04-02T09:00:00",
        },
    )
    holder = ET.SubElement(message, "Children")
    for child in children:
        _add(holder, "Child", child)
    return ET.tostring(message, encoding="utf-8", xml_declaration=True)


def child(la_child_id: str, *, cin_details: dict | list[dict], born: str = "2015-03-14", sex: str = "F") -> dict:
    return {
        "ChildIdentifiers": {"LAchildID": la_child_id, "UPNunknown": "UN1", "PersonBirthDate": born, "Sex": sex},
        "ChildCharacteristics": {"Ethnicity": "WBRI", "Disabilities": {"Disability": "NONE"}},
        "CINdetails": cin_details,
    }
