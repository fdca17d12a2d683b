from django.contrib import admin

from .models import DemandSignal


@admin.register(DemandSignal)
class DemandSignalAdmin(admin.ModelAdmin):
    list_display = ["created_at", "brand", "variant", "cell_lat", "cell_lng", "found"]
    list_filter = ["brand", "found"]
    raw_id_fields = ["variant"]
