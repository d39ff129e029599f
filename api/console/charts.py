"""Small server-side SVG charts for the dashboard (no scripts, no CDN)."""

from __future__ import annotations

from html import escape

# No red: a category or a status is not an alarm (the dashboard keeps red for what is overdue).
PALETTE = ["#2f6fb0", "#5b8a8f", "#3a9d5d", "#7a5ca8", "#8a9bb0", "#d9a441"]


def gauge(rate: float | None, label: str, *, size: int = 150) -> str:
    """A ring showing a rate (0..1), with the percentage in the middle."""
    r, c = 54, size / 2
    circumference = 2 * 3.14159265 * r
    filled = 0.0 if rate is None else max(0.0, min(rate, 1.0)) * circumference
    text = "—" if rate is None else f"{rate * 100:.1f}%"
    colour = "#3a9d5d" if rate is not None and rate >= 0.9 else "#d9822b" if rate is not None else "#999"
    return (
        f'<svg class="gauge" viewBox="0 0 {size} {size}" width="{size}" height="{size}" role="img" '
        f'aria-label="{escape(label)} {text}">'
        f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="#e6e9ee" stroke-width="14"/>'
        f'<circle cx="{c}" cy="{c}" r="{r}" fill="none" stroke="{colour}" stroke-width="14" '
        f'stroke-dasharray="{filled:.1f} {circumference:.1f}" transform="rotate(-90 {c} {c})"/>'
        f'<text x="{c}" y="{c + 2}" text-anchor="middle" font-size="22" font-weight="bold">{text}</text>'
        f'<text x="{c}" y="{c + 24}" text-anchor="middle" font-size="13" fill="#555">{escape(label)}</text>'
        "</svg>"
    )


def bars(values: list[tuple[str, int]], *, width: int = 520, bar_height: int = 26) -> str:
    """Horizontal bars, one per (label, count)."""
    top = max((v for _, v in values), default=0) or 1
    label_w, gap = 90, 8
    height = len(values) * (bar_height + gap) + gap
    parts = [f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(values):
        y = gap + i * (bar_height + gap)
        w = (width - label_w - 60) * value / top
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.7}" text-anchor="end" '
            f'font-size="14">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}" rx="3"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.7}" font-size="14">{value}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def columns(series: list[tuple[str, int, int]], *, width: int = 760, height: int = 190) -> str:
    """A daily trend: per day, tickets received (blue) and answered (green), side by side.

    `series`: (day label "MM-DD", received, answered), oldest first. Labels thin out so they stay legible.
    """
    top = max((max(r, a) for _, r, a in series), default=0) or 1
    left, bottom, top_pad = 30, 22, 14
    plot_h = height - bottom - top_pad
    step = (width - left) / max(len(series), 1)
    bar = max(min(step / 2 - 1, 14), 1)
    every = max(1, round(len(series) / 12))
    parts = [
        f'<svg class="trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        'aria-label="每日受理和答复件数">',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="11" fill="#6b7785">{top}</text>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width}" y2="{top_pad + plot_h}" stroke="#c5ced8"/>',
    ]
    for i, (label, received, answered) in enumerate(series):
        x = left + i * step + (step - 2 * bar) / 2
        for j, (value, colour, what) in enumerate(((received, "#2f6fb0", "受理"), (answered, "#3a9d5d", "答复"))):
            h = plot_h * value / top
            parts.append(
                f'<rect x="{x + j * bar:.1f}" y="{top_pad + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)} {what} {value} 件</title></rect>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
                f'fill="#52606d">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
