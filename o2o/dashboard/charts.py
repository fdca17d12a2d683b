"""A server-rendered SVG bar chart (no JavaScript, no CDN), with a date axis."""

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD, AXIS = 720, 220, 28, 22
TICKS = 6  # date labels along the bottom


def bar_chart(daily):
    """Reservations (blue) and collected (green) per day, as accessible SVG: dates along
    the bottom in the active language, the scale at the left."""
    if not daily:
        return ""
    peak = max(max(d.reservations, d.collected) for d in daily) or 1
    base = HEIGHT - PAD - AXIS
    slot = (WIDTH - 2 * PAD) / len(daily)
    bar = max(slot / 2 - 1, 1)
    parts, labels = [], []
    every = max(1, round(len(daily) / TICKS))
    for index, day in enumerate(daily):
        x = PAD + index * slot
        date = formats.date_format(day.day, "j M")
        for offset, value, colour in (
            (0, day.reservations, "#0b5cad"),
            (bar, day.collected, "#1a7f37"),
        ):
            height = (base - PAD) * value / peak
            parts.append(
                (
                    f"{x + offset:.1f}",
                    f"{base - height:.1f}",
                    f"{bar:.1f}",
                    f"{height:.1f}",
                    colour,
                    f"{date}: {value}",
                )
            )
        if index % every == 0 or index == len(daily) - 1:
            labels.append((f"{x + bar:.1f}", f"{base + 16:.1f}", date))
    bars = format_html_join(
        "", '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>', parts
    )
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" class="tick">{}</text>',
        labels,
    )
    return format_html(
        '<svg viewBox="0 0 {} {}" role="img" aria-labelledby="chart-title" class="chart">'
        '<title id="chart-title">{}</title>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#4f5863"/>{}{}'
        '<text x="{}" y="{}" font-size="11">0</text>'
        '<text x="{}" y="{}" font-size="11">{}</text></svg>',
        WIDTH,
        HEIGHT,
        _("Reservations and collected sales per day, %(first)s to %(last)s")
        % {
            "first": formats.date_format(daily[0].day, "j M"),
            "last": formats.date_format(daily[-1].day, "j M"),
        },
        PAD,
        base,
        WIDTH - PAD,
        base,
        bars,
        axis,
        4,
        base,
        4,
        PAD + 4,
        peak,
    )
