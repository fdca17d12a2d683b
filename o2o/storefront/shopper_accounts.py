"""Optional shopper accounts (guests can reserve too)."""

from o2o.core.errors import DomainError
from o2o.core.models import User


class AccountExists(DomainError):
    code = "account_exists"
    default_message = "An account with this e-mail exists: sign in instead."


def create_shopper(*, email, password):
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountExists()
    return User.objects.create_user(username=email[:150], email=email, password=password)
