"""What the outlets app announces; apps above it (inventory) subscribe."""

from django.dispatch import Signal

# An outlet was approved for a brand (outlet_id, brand_id), inside the approving
# transaction: inventory lists the brand's items there at zero, ready to be counted.
outlet_joined = Signal()

# A person was invited to a retailer's team (membership_id, invited_by_id, language), after
# commit: the notifications app e-mails the link from Celery.
staff_invited = Signal()

# A brand decided on an application (application_id), after commit: rejected or changes
# requested (an approval is told by the invitation). Notifications e-mail the reason.
application_decided = Signal()
