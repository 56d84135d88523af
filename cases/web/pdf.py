"""Downloads: a PDF (or CSV) sent as an attachment with a file name that cannot break the header."""

import re

from django.http import HttpResponse

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{_UNSAFE.sub("-", filename)}"'
    return response


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A rendered PDF (cases.documents.render_pdf) as a download."""
    return attachment(HttpResponse(pdf, content_type="application/pdf"), filename)
