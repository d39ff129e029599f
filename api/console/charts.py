"""Small server-side SVG charts for the dashboard (no scripts, no CDN)."""

from __future__ import annotations

from html import escape

PALETTE = ["#2f6fb0", "#d9822b", "#3a9d5d", "#b0413e", "#7a5ca8", "#5b8a8f"]


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
