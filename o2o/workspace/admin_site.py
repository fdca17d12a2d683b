from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .selectors import workspace_summary


class O2OAdminSite(admin.AdminSite):
    """The admin, with a home page of what the user has to handle today."""

    site_header = _("o2o workspace")
    site_title = _("o2o")
    index_title = _("Today")
    index_template = "admin/o2o_index.html"

    def index(self, request, extra_context=None):
        context = {"workspace": workspace_summary(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)
