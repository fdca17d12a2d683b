"""Shared API building blocks: pagination, throttles, role permissions. (Authentication
is configured in settings: a POS token, or the session.)"""

from django.utils.decorators import method_decorator
from rest_framework.exceptions import Throttled
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.throttling import AnonRateThrottle

from o2o.core.api import SafeCursorPagination
from o2o.core.clientip import client_ip
from o2o.core.generations import shopper_read
from o2o.core.ratelimit import Attempt, attempt_key, count_attempt
from o2o.core.tenancy import tenancy_of


class Pages(SafeCursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"


class ShopperThrottle(AnonRateThrottle):
    """DRF's anonymous rate ("120/min"), counted in a fixed window: one cache increment per
    request whatever the rate, where DRF's sliding log reads and rewrites every request's
    time in the window on every request."""

    scope = "shopper"

    def allow_request(self, request, view):
        if self.rate is None or request.user.is_authenticated:
            return True
        if isinstance(view, CountedWithFirstRead):
            view.attempt = Attempt(
                key=attempt_key(self.scope, self.get_ident(request)),
                window=self.duration,
                limit=self.num_requests,
                refuse=lambda: view.throttled(request, self.wait()),
            )
            return True
        used = count_attempt(self.scope, self.get_ident(request), window=self.duration)
        return used <= self.num_requests

    def get_ident(self, request):
        return client_ip(request)

    def wait(self):
        return self.duration  # the window's end is at most this far


class ShopperReadView:
    """A public, throttled endpoint for shoppers whose reads may go to a read replica."""

    permission_classes = [AllowAny]
    throttle_classes = [ShopperThrottle]

    @method_decorator(shopper_read)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class CountedWithFirstRead:
    """A shopper endpoint whose throttle count travels with its first cache read: its
    handler passes `self.attempt` to that read (`generations.remembered`), so counting costs
    no round trip of its own, and the count is settled before any database work. A request
    that ends without that read (bad input, an error) is counted on its way out, and
    refused if it was one too many."""

    attempt: Attempt | None = None

    def finalize_response(self, request, response, *args, **kwargs):
        attempt = self.attempt
        if attempt is not None and not attempt.counted:
            try:
                attempt.count_now()
            except Throttled as refused:
                response = self.handle_exception(refused)  # type: ignore[attr-defined]
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class IsRetailer(BasePermission):
    """A retailer's user or a retailer's POS token."""

    def has_permission(self, request, view):
        tenancy = tenancy_of(request.user)
        return tenancy.is_superuser or tenancy.is_retailer


class IsBrandStaff(BasePermission):
    """A brand's staff or a brand's token."""

    def has_permission(self, request, view):
        tenancy = tenancy_of(request.user)
        return tenancy.is_superuser or tenancy.is_brand_staff
