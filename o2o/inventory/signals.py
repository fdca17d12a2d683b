"""What the stock owner announces to the apps above it (they subscribe; it imports none)."""

from django.dispatch import Signal

# A stock count came in below the held units of (outlet_id, variant_id) by `units`; a
# receiver frees at least that many held units and returns how many holds it dropped.
count_below_holds = Signal()

# A sync run was applied and committed: `sync_run_id`. Subscribers react (back-in-stock
# notices); the stock owner does not know them.
stock_counted = Signal()

# A sync run failed for good (`sync_run_id`), after commit: notifications tell the owners.
sync_run_failed = Signal()

# A pulled feed was paused after failing again and again (`feed_id`, `reason`), after commit.
feed_paused = Signal()
