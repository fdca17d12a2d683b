from django.contrib.admin.apps import AdminConfig


class O2OAdminConfig(AdminConfig):
    """django.contrib.admin with o2o's site (the workspace home page)."""

    default_site = "o2o.workspace.admin_site.O2OAdminSite"
