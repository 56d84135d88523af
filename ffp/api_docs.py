"""The API's Swagger UI without inline code, under the site's Content-Security-Policy.

drf-spectacular's SpectacularSwaggerSplitView serves Swagger UI's start script as a file of its own
(/api/docs/?script) instead of an inline <script>; templates/api/docs.html moves the page's <style> block to
static/api/docs.css. Swagger UI's stylesheet draws its icons as data: images, so this page's policy allows those
images (and nothing else more than the site's).
"""

from drf_spectacular.views import SpectacularSwaggerSplitView

from ffp.csp import HEADER, policy_with


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response[HEADER] = policy_with(img_src=["data:"])
        return response


# --- the schema says what the API answers (B5: schemathesis finds no undocumented status or shape) ---------------
#
# Every operation can meet the answers ffp.api_errors and ffp.exceptions give whatever the view: a URL over
# MAX_URL_LENGTH (414), a body over the limit (413), a body in another media type (415), a body or query that does
# not parse or validate (400), no credentials (401, with WWW-Authenticate), a write with a read-only API token (403,
# cases.api.tokens), a refusal or a missing record (404).
# drf-spectacular sees only what each view declares, so this hook adds those an operation leaves out, each with the
# one error body: a JSON object with a stable `code` (ffp.api_errors.CODES) and a `detail` or reasons keyed by field.
ERROR_COMPONENT = "ApiError"
ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a stable `code` to branch on (ffp.api_errors.CODES) and a `detail`, or for invalid "
    "input the reasons keyed by field name (`non_field_errors` for the whole request).",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}},
    "required": ["code"],
    "additionalProperties": {},
}
_ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
_GENERIC = {
    400: "Invalid input: the reasons keyed by field, or a body that is not JSON.",
    401: "Not signed in (WWW-Authenticate names the scheme).",
    403: "A read-only API token sent a write (code insufficient_scope); any other refusal is a 404.",
    404: "No such record, or not one you may see or do this to (a refusal is always 404).",
    413: "The request body is larger than the limit.",
    414: "The URL is longer than the limit.",
    415: "The body is not JSON (Content-Type: application/json).",
}
_WITH_BODY = ("post", "put", "patch")
_METHODS = ("get", "post", "put", "patch", "delete")
# A time of day as the API writes and reads it (Django's TimeField): "14:30" or "14:30:00[.ffffff]", no offset.
# JSON Schema's `time` format is RFC 3339's full-time, which requires an offset, so it is not what the API does.
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


def _error_response(status_code: int) -> dict:
    response = {"description": _GENERIC[status_code], "content": {"application/json": {"schema": _ERROR_REF}}}
    if status_code == 401:
        response["headers"] = {
            "WWW-Authenticate": {"schema": {"type": "string"}, "description": "The authentication scheme."}
        }
    return response


def _walk(node, visit) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            visit(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _fix_shapes(node: dict) -> None:
    if node.get("format") == "time" and node.get("type") == "string":
        del node["format"]
        node["pattern"] = TIME_PATTERN
    # drf-spectacular writes a PolymorphicProxySerializer without a type field as oneOf; our shapes nest (a staff
    # contact has every field of a referrer's), so a body matches more than one: anyOf is what the API does.
    if "oneOf" in node and "discriminator" not in node and all("$ref" in branch for branch in node["oneOf"]):
        node["anyOf"] = node.pop("oneOf")


def document_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method in _METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            wanted = [404, 414]
            if any(p.get("in") == "query" for p in operation.get("parameters", [])) or method in _WITH_BODY:
                wanted.append(400)
            if operation.get("security") and {} not in operation["security"]:
                wanted.append(401)
            if method in _WITH_BODY:
                wanted += [413, 415]
            if method != "get" and operation.get("security"):
                wanted.append(403)
            for status_code in wanted:
                responses.setdefault(str(status_code), _error_response(status_code))
    _walk(result, _fix_shapes)
    return result
