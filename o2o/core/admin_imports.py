"""The admin of a previewed import (outlets, catalogue sheets): upload a file, read the
row-by-row check (nothing written yet), start it once, follow its progress (an HTMX fragment
for the page, JSON for scripts). A subclass names its form, its importer (a module with
`preview(import_)` and `start(import_id=)`), its templates and the counts it reports."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse

from .admin_tenancy import TenantAdmin


class PreviewedImportAdmin(TenantAdmin):
    upload_form: type
    importer: object
    upload_title = ""
    progress_counts: tuple[str, ...] = ()  # the import's counts in the progress JSON

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def create_import(self, request, form):
        raise NotImplementedError

    def _route(self, name):
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}"

    def _template(self, name):
        return f"admin/{self.opts.app_label}/{self.opts.model_name}/{name}.html"

    def add_view(self, request, form_url="", extra_context=None):
        """Upload a file: it is checked row by row (nothing written) for a preview."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.upload_form(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            import_ = self.create_import(request, form)
            self.importer.preview(import_)
            return redirect(reverse(self._route("change"), args=[import_.pk]))
        context = {
            **self.admin_site.each_context(request),
            **self.upload_context(request, form),
            "form": form,
            "opts": self.opts,
            "title": self.upload_title,
        }
        return render(request, "admin/import_upload.html", context)

    def upload_context(self, request, form) -> dict:
        """More for the upload page (a subclass's downloads)."""
        return {}

    def change_view(self, request, object_id, form_url="", extra_context=None):
        import_ = self.get_object(request, object_id)
        if import_ is None:
            raise Http404
        if request.method == "POST":
            if not self.has_change_permission(request, import_):
                raise PermissionDenied
            if "start" in request.POST:
                self.importer.start(import_id=import_.pk)  # once, however often posted
            return redirect(reverse(self._route("change"), args=[import_.pk]))
        context = {
            **self.admin_site.each_context(request),
            "import": import_,
            "opts": self.opts,
            "title": str(import_),
            "can_start": self.has_change_permission(request, import_),
        }
        if request.headers.get("HX-Request") or "progress" in request.GET:
            return render(request, self._template("progress"), context)
        return render(request, self._template("change_form"), context)

    def get_urls(self):
        progress = self.admin_site.admin_view(self.progress_view)
        return [
            path("<int:import_id>/progress/", progress, name=self._route("progress")[6:]),
            *super().get_urls(),
        ]

    def progress_view(self, request, import_id):
        """JSON for scripts; the page polls the HTML fragment of change_view."""
        import_ = get_object_or_404(self.get_queryset(request), pk=import_id)
        counts = {name: getattr(import_, name) for name in self.progress_counts}
        return JsonResponse(
            {
                "status": import_.status,
                "rows_total": import_.rows_total,
                "rows_done": import_.rows_done,
                "percent": import_.percent,
                **counts,
                "rows_rejected": import_.rows_rejected,
            }
        )
