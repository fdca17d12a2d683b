"""Who is calling: the client's IP address, behind O2O_TRUSTED_PROXY_COUNT proxies.

Each trusted proxy appends the address it saw to X-Forwarded-For, so with N proxies the
client is the N-th entry from the right; anything left of it is the client's own say and
never trusted. With no proxy (the default) the header is ignored and REMOTE_ADDR is the
client. Every throttle, limit and lockout keys on this one function."""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.O2O_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return _valid(remote) or remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < proxies:  # not through every proxy: only the socket can be trusted
        return _valid(remote) or remote
    return _valid(hops[-proxies]) or _valid(remote) or remote
