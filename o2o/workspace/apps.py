from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The retailers' and brands' workspace on top of the domain apps: the admin site and
    its home page, and the demo data."""

    name = "o2o.workspace"
    label = "workspace"
