"""Shared API building blocks: authentication, pagination, throttles."""

from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.throttling import AnonRateThrottle

from o2o.core.tenancy import tenancy_of
from o2o.inventory.authentication import IntegrationTokenAuthentication

AUTHENTICATION = [IntegrationTokenAuthentication, SessionAuthentication]


class Pages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"


class ShopperThrottle(AnonRateThrottle):
    scope = "shopper"


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
