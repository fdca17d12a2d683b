"""What the outlets app announces; apps above it (inventory) subscribe."""

from django.dispatch import Signal

# An outlet was approved for a brand (outlet_id, brand_id), inside the approving
# transaction: inventory lists the brand's items there at zero, ready to be counted.
outlet_joined = Signal()
