"""A server-rendered SVG bar chart (no JavaScript, no CDN)."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 720, 200, 24


def bar_chart(daily):
    """Reservations (blue) and collected (green) per day, as accessible SVG."""
    if not daily:
        return ""
    peak = max(max(d.reservations, d.collected) for d in daily) or 1
    slot = (WIDTH - 2 * PAD) / len(daily)
    bar = max(slot / 2 - 1, 1)
    parts = []
    for index, day in enumerate(daily):
        x = PAD + index * slot
        for offset, value, colour in (
            (0, day.reservations, "#0b5cad"),
            (bar, day.collected, "#1a7f37"),
        ):
            height = (HEIGHT - 2 * PAD) * value / peak
            parts.append(
                (
                    f"{x + offset:.1f}",
                    f"{HEIGHT - PAD - height:.1f}",
                    f"{bar:.1f}",
                    f"{height:.1f}",
                    colour,
                    f"{day.day:%d %b}: {value}",
                )
            )
    bars = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>', parts
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title" class="chart">'
        '<title id="chart-title">Reservations and collected sales per day</title>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4f5863"/>{}'
        '<text x="{}" y="14" font-size="12">{}</text></svg>',
        WIDTH,
        HEIGHT,
        PAD,
        HEIGHT - PAD,
        WIDTH - PAD,
        HEIGHT - PAD,
        bars,
        PAD,
        mark_safe(f"max {peak}"),
    )
