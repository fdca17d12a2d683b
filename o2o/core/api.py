"""DRF glue shared by the API apps: JSON errors with a stable code."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """Every API error is JSON: {"code": ..., "detail": ..., "fields": {...}}."""
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.details:
            body["fields"] = exc.details
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
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
