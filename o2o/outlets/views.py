"""The one page of the outlets app: accepting a retailer's invitation."""

from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import services

SIGN_IN_BACKEND = "o2o.core.auth.ThrottledModelBackend"


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accept_invitation(request, token):
    try:
        membership = services.pending_invitation(token=token)
    except services.InvitationInvalid as exc:
        return render(
            request, "outlets/accept_invitation.html", {"invalid": exc.message}, status=410
        )
    form = SetPasswordForm(membership.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.accept_invitation(
                token=token, password=form.cleaned_data["new_password1"]
            )
        except services.InvitationInvalid as exc:
            return render(
                request, "outlets/accept_invitation.html", {"invalid": exc.message}, status=410
            )
        login(request, membership.user, backend=SIGN_IN_BACKEND)
        return redirect("admin:index")
    return render(
        request, "outlets/accept_invitation.html", {"form": form, "membership": membership}
    )
