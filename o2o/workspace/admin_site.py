from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .selectors import workspace_summary


class O2OAdminSite(admin.AdminSite):
    """The admin, with a home page of what the user has to handle today."""

    site_header = _("o2o workspace")
    site_title = _("o2o")
    index_title = _("Today")
    index_template = "admin/o2o_index.html"

    def get_urls(self):
        from django.urls import path

        from . import counter

        own = [
            path("counter/", self.admin_view(lambda r: counter.counter(self, r)), name="counter"),
            path(
                "counter/act/", self.admin_view(lambda r: counter.act(self, r)), name="counter-act"
            ),
            path(
                "counter/stock/<int:level_id>/",
                self.admin_view(lambda r, level_id: counter.correct_stock(self, r, level_id)),
                name="counter-stock",
            ),
        ]
        return own + super().get_urls()

    def index(self, request, extra_context=None):
        context = {"workspace": workspace_summary(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)
