"""DRF glue shared by the API apps: JSON errors with a stable code, whatever went wrong."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from .errors import DomainError

logger = logging.getLogger(__name__)


# Patterns for text fields, so that the schema says exactly what the serializer accepts:
# no NUL (Django refuses it), and for required text at least one printable character.
NO_NUL = r"^[^\x00]*$"
PRINTABLE = r"^[^\x00]*[^\x00\s][^\x00]*$"


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, with nesting too deep for the parser a 400 instead of a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from exc


class SafeCursorPagination(CursorPagination):
    """A cursor pager whose forged cursors and page sizes are 4xx, never a server error."""

    def get_page_size(self, request):
        name = self.page_size_query_param
        raw = request.query_params.get(name) if name else None
        if raw is None:
            return self.page_size
        largest = self.max_page_size or self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= largest):
            raise exceptions.ValidationError({name: [f"a whole number from 1 to {largest}"]})
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                largest = self.max_page_size or self.page_size
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": largest}
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
            raise exceptions.NotFound(self.invalid_cursor_message) from exc


def too_large_body():
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return {
        "code": "too_large",
        "detail": f"The request body is larger than the limit of {limit} bytes.",
        "limit": limit,
    }


def exception_handler(exc, context):
    """Every API error is JSON: {"code": ..., "detail": ..., "fields": {...}}."""
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.details:
            body["fields"] = exc.details
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", 0) else {}
        return Response(body, status=exc.status, headers=headers)
    if isinstance(exc, RequestDataTooBig):
        return Response(too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError | SuspiciousOperation):
        exc = exceptions.ParseError("The request is not valid.")
    # imported here: DRF's views read DEFAULT_PARSER_CLASSES (this module) when imported
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(SERVER_ERROR, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": "The request body is not valid.",
            "fields": exc.detail if isinstance(exc.detail, dict) else {"body": exc.detail},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, exceptions.APIException):
        response.data = {
            "code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
            "detail": str(exc.detail),
        }
    return response


SERVER_ERROR = {"code": "server_error", "detail": "Something went wrong on our side."}


def is_api(request):
    return request.path.startswith("/api/")


# Django's error views, for what never reaches DRF (URL resolution, body size, middleware):
# JSON under /api/, the usual pages elsewhere.
def bad_request(request, exception):
    from django.views import defaults

    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(too_large_body(), status=413)
    return JsonResponse({"code": "bad_request", "detail": "The request is not valid."}, status=400)


def permission_denied(request, exception):
    from django.views import defaults

    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return JsonResponse({"code": "permission_denied", "detail": "You may not do this."}, status=403)


def page_not_found(request, exception):
    from django.views import defaults

    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


def server_error(request):
    from django.views import defaults

    if not is_api(request):
        return defaults.server_error(request)
    return JsonResponse(SERVER_ERROR, status=500)
