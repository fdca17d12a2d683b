"""Outbound HTTP for stock feeds, guarded against server-side request forgery.

Every connection (the first request and each redirect) resolves the host, refuses it if
any address it resolves to is loopback, private, link-local (cloud metadata), multicast,
reserved or otherwise not public, and connects to the very address that was checked (no
second lookup to rebind). O2O_FEED_ALLOWED_NETWORKS lists networks that are allowed all
the same: a retailer's on-premise POS server. Proxies from the environment are not used."""

import ipaddress
import socket

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection


class ForbiddenDestination(NewConnectionError):
    """The feed's host resolves to an address we never connect to."""


def _allowed(address):
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    for network in settings.O2O_FEED_ALLOWED_NETWORKS:
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return address.is_global and not address.is_multicast


def checked_address(host, port):
    """One address of `host` to connect to, every one of its addresses being allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    refused = [str(a) for a in addresses if not _allowed(a)]
    if not addresses or refused:
        raise ForbiddenDestination(None, f"{host} resolves to an address that is not public")
    return str(addresses[0])


class _Guarded:
    def _new_conn(self):
        try:
            address = checked_address(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NewConnectionError(self, f"cannot resolve {self.host}") from exc
        except ForbiddenDestination as exc:
            raise ForbiddenDestination(self, str(exc.args[-1])) from None
        try:
            return connection.create_connection(
                (address, self.port),
                self.timeout,
                source_address=self.source_address,
                socket_options=self.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(self, f"connection to {self.host} timed out") from exc
        except OSError as exc:
            raise NewConnectionError(self, f"cannot connect to {self.host}") from exc


class GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPPool,
            "https": GuardedHTTPSPool,
        }


def guarded_session():
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment
    session.max_redirects = settings.O2O_FEED_MAX_REDIRECTS
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def forbidden(exc):
    """Whether a requests error was a refused destination."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ForbiddenDestination):
            return True
        exc = getattr(exc, "reason", None) or (exc.args[0] if exc.args else None) or exc.__cause__
        if not isinstance(exc, BaseException):
            return False
    return False
