"""Bar charts as inline SVG, drawn on the server: no script, no CDN, no style attribute.

Colours come from classes styled in static/css/reviewers.css, so the page keeps a
Content-Security-Policy without 'unsafe-inline'. Each chart has a title and a description for
screen readers; the page shows the same figures as a table next to it.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str  # e.g. "bar-approved"
    values: list[float]


def _nice_ceiling(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 5 × a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    series: list[Series],
    unit: str = "",
    label_every: int = 1,
    width: int = 720,
    height: int = 260,
) -> SafeString:
    """Vertical bars, one group per label; several series are stacked."""
    left, right, top, bottom = 44, 12, 12, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    maximum = _nice_ceiling(max(totals, default=0))
    slot = plot_w / max(len(labels), 1)
    bar_w = max(slot * 0.7, 1)

    def y(value: float) -> float:
        return top + plot_h - (value / maximum) * plot_h

    parts: list[str] = []
    for fraction in (0, 0.5, 1):  # gridlines with their values
        value = maximum * fraction
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" x2="{}" y1="{}" y2="{}"></line>'
                '<text class="chart-axis" x="{}" y="{}" text-anchor="end">{}</text>',
                left,
                width - right,
                f"{y(value):.1f}",
                f"{y(value):.1f}",
                left - 6,
                f"{y(value) + 4:.1f}",
                _number(value),
            )
        )
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar_w) / 2
        base = 0.0
        for s in series:
            value = s.values[i] or 0
            if value:
                parts.append(
                    format_html(
                        '<rect class="{}" x="{}" y="{}" width="{}" height="{}">'
                        "<title>{}: {} {}{}</title></rect>",
                        s.css_class,
                        f"{x:.1f}",
                        f"{y(base + value):.1f}",
                        f"{bar_w:.1f}",
                        f"{y(base) - y(base + value):.1f}",
                        label,
                        _number(value),
                        s.name,
                        f" {unit}" if unit else "",
                    )
                )
            base += value
        if i % label_every == 0 or i == len(labels) - 1:
            parts.append(
                format_html(
                    '<text class="chart-axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + bar_w / 2:.1f}",
                    height - bottom + 16,
                    label,
                )
            )
    parts.append(
        format_html(
            '<line class="chart-baseline" x1="{}" x2="{}" y1="{}" y2="{}"></line>',
            left,
            width - right,
            top + plot_h,
            top + plot_h,
        )
    )
    legend = format_html_join(
        "",
        '<rect class="{}" x="{}" y="{}" width="10" height="10"></rect>'
        '<text class="chart-legend" x="{}" y="{}">{}</text>',
        (
            (s.css_class, left + n * 130, height - 14, left + n * 130 + 14, height - 5, s.name)
            for n, s in enumerate(series)
        ),
    )
    return format_html(
        '<svg class="chart" id="{}" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        chart_id,
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        mark_safe("".join(parts)),  # each part built with format_html above
        legend if len(series) > 1 else "",
    )
