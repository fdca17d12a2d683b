"""What launches announce to the apps above them."""

from django.dispatch import Signal

# A launch started (`launch_id`), after commit: notifications tell the interested shoppers.
launch_opened = Signal()
