"""Bar charts: horizontal bars for a breakdown, vertical bars for a month-by-month trend."""
from lindung.coverage.charts.svg import BAR, MUTED, esc, plain_number, svg_open

ROW = 22
CHAR = 7  # rough width of a 12 px DejaVu Sans character, to size the label column


def bar_chart(rows: list[dict], *, label: str, fmt=plain_number, width: int = 560, css_class: str = "bars") -> str:
    """Horizontal bars, one per row, longest scale for the largest value.

    rows: [{"label": str, "value": number, "text": str (optional, shown after the bar instead of
    fmt(value)), "href": str (optional, the label and bar link there)}]. No rows: a short note instead.
    """
    if not rows:
        return _empty(label, width, css_class)
    label_width = min(200, 12 + CHAR * max(len(str(row["label"])) for row in rows))
    texts = [row.get("text") or fmt(row["value"]) for row in rows]
    text_width = 12 + CHAR * max(len(text) for text in texts)
    bar_space = max(40, width - label_width - text_width)
    largest = max((row["value"] for row in rows), default=0) or 1
    height = ROW * len(rows) + 8
    parts = [svg_open(width, height, label, css_class)]
    for i, (row, text) in enumerate(zip(rows, texts)):
        y = 4 + i * ROW
        length = bar_space * max(row["value"], 0) / largest
        item = (
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end">{esc(_clip(row["label"], label_width))}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{ROW - 6}" fill="{BAR}">'
            f'<title>{esc(row["label"])}: {esc(text)}</title></rect>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 15}">{esc(text)}</text>'
        )
        if row.get("href"):
            item = f'<a href="{esc(row["href"])}">{item}</a>'
        parts.append(item)
    parts.append("</svg>")
    return "".join(parts)


def trend_chart(points: list[dict], *, label: str, fmt=plain_number, width: int = 640, height: int = 220,
                css_class: str = "trend") -> str:
    """Vertical bars by month, left to right, with the value over each bar and a line joining the tops.

    points: [{"label": "Jan 2026", "value": number}] in time order. No points: a short note instead.
    """
    if not points:
        return _empty(label, width, css_class)
    left, right, top, bottom = 8, 8, 22, 36
    plot_width, plot_height = width - left - right, height - top - bottom
    largest = max(point["value"] for point in points) or 1
    slot = plot_width / len(points)
    bar_width = max(2.0, slot * 0.7)
    baseline = top + plot_height
    parts = [svg_open(width, height, label, css_class)]
    parts.append(f'<line x1="{left}" y1="{baseline}" x2="{width - right}" y2="{baseline}" stroke="{MUTED}"/>')
    tops = []
    show_values = slot >= 7 * max(len(fmt(point["value"])) for point in points) * 0.75
    for i, point in enumerate(points):
        bar_height = plot_height * max(point["value"], 0) / largest
        x = left + i * slot + (slot - bar_width) / 2
        y = baseline - bar_height
        centre = x + bar_width / 2
        tops.append(f"{centre:.1f},{y:.1f}")
        text = fmt(point["value"])
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_width:.1f}" height="{bar_height:.1f}" fill="{BAR}" '
            f'fill-opacity="0.75"><title>{esc(point["label"])}: {esc(text)}</title></rect>'
        )
        if show_values:
            parts.append(f'<text x="{centre:.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="10">{esc(text)}</text>')
        parts.append(
            f'<text x="{centre:.1f}" y="{baseline + 14}" text-anchor="middle" font-size="10" fill="{MUTED}">'
            f'{esc(point["label"])}</text>'
        )
    if len(tops) > 1:
        parts.append(f'<polyline points="{" ".join(tops)}" fill="none" stroke="#1b4d30" stroke-width="1.5"/>')
    parts.append("</svg>")
    return "".join(parts)


def _clip(text, width: int) -> str:
    text = str(text)
    most = max(4, (width - 12) // CHAR)
    return text if len(text) <= most else text[: most - 1] + "…"


def _empty(label: str, width: int, css_class: str) -> str:
    from django.utils.translation import gettext

    note = gettext("No figures for this selection.")
    return f'{svg_open(width, 30, label, css_class)}<text x="4" y="19" fill="{MUTED}">{esc(note)}</text></svg>'
