"""What the FGDM API's modules share: the view base (JSON only), input validation, the error responses and the
read-audit of a response that shows children.

Scoped exactly as the pages, through fgdm.selectors.scope: an offer, a referral or a meeting opens for a user who may
open the whole record of every child it is about; anything else is 404 (never 403). A write the caller may not make is
404 too; bad input is 400 with the reason keyed by field (the services' ValidationError); 401 only when not signed in.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from cases import policy
from cases.api.serializers import FIELD_ERRORS_SCHEMA, DetailOutputSerializer
from cases.models import User
from cases.web import audit_shown
from ffp.api_errors import JSONParser

TAGS = ["family group decision making"]
_400 = OpenApiResponse(FIELD_ERRORS_SCHEMA, description="Invalid input: reasons keyed by field.")
_401 = OpenApiResponse(DetailOutputSerializer, description="Not signed in (WWW-Authenticate: Bearer).")
_404 = OpenApiResponse(DetailOutputSerializer, description="No such record, or not one you may see or do this to.")
_409 = OpenApiResponse(DetailOutputSerializer, description="Already done (by you or a colleague): the reason.")
READ_ERRORS = {401: _401, 404: _404}
ERRORS = {400: _400, 401: _401, 404: _404}


class FgdmApi(APIView):
    parser_classes = [JSONParser]


def valid(serializer_class, request: Request, **context) -> dict:
    data = serializer_class(data=request.data, context=context)
    data.is_valid(raise_exception=True)
    return data.validated_data


def may(user: User, action: str) -> bool:
    return user.is_authenticated and policy.may(user, action)


def audit(request: Request, verb: str, children, target) -> None:
    """One read-audit row for a response that showed these children."""
    audit_shown(request, verb, children, target=target)


class FgdmPersonRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="display_name")


class FgdmUserRefOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="full_name")
