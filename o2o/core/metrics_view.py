"""/metrics for Prometheus, only for the monitoring system: a client address inside
O2O_METRICS_ALLOWED_NETWORKS, or `Authorization: Bearer <O2O_METRICS_TOKEN>`."""

import hmac
import ipaddress

from django.conf import settings
from django.http import JsonResponse
from django_prometheus.exports import ExportToDjangoView

from .clientip import client_ip


def _from_allowed_network(request):
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(network, strict=False)
        for network in settings.O2O_METRICS_ALLOWED_NETWORKS
    )


def _has_token(request):
    token = settings.O2O_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and hmac.compare_digest(given.encode(), token.encode())


def metrics(request):
    if not (_has_token(request) or _from_allowed_network(request)):
        return JsonResponse(
            {"code": "forbidden", "detail": "Metrics are for the monitoring system only."},
            status=403,
        )
    return ExportToDjangoView(request)
