"""Text with labels as HTML for a QTextBrowser: label colours, the label name after each
span, conflict regions underlined, the current conflict in bold red with an anchor."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from itertools import pairwise


def _text_color(hex_color: str) -> str:
    return hex_color if hex_color.startswith("#") else "#dddddd"


def render(text: str, spans: Sequence[tuple[int, int, str, str]], color_of: Callable[[str], str],
           conflicts: Sequence[tuple[int, int]] = (), current: int | None = None) -> str:
    """spans: (start, end, label, tag shown after the span); conflicts: regions in order;
    current: index into conflicts."""
    cuts = {0, len(text)}
    for s, e, *_ in spans:
        cuts.update((s, e))
    for s, e in conflicts:
        cuts.update((s, e))
    cuts = sorted(c for c in cuts if 0 <= c <= len(text))
    ends: dict[int, list[str]] = {}
    for s, e, label, tag in sorted(spans, key=lambda x: (x[1], -x[0])):
        ends.setdefault(e, []).append(
            f"<sup style='color:#444444;font-size:8pt'>{html.escape(tag)}</sup>")
    starts = {s: i for i, (s, _e) in enumerate(conflicts)}
    out = []
    for a, b in pairwise(cuts):
        if a in starts:
            out.append(f"<a name='c{starts[a]}'></a>")
        piece = html.escape(text[a:b]).replace("\n", "<br>")
        covering = [x for x in spans if x[0] <= a and b <= x[1]]
        style = []
        if covering:
            first = min(covering, key=lambda x: (x[0], -x[1]))
            style.append(f"background-color:{_text_color(color_of(first[2]))}")
        hit = [i for i, (s, e) in enumerate(conflicts) if s <= a and b <= e]
        if hit:
            if current in hit:
                style.append("color:#c00000;font-weight:bold;text-decoration:underline")
            else:
                style.append("color:#8a1c1c;text-decoration:underline")
        out.append(f"<span style='{';'.join(style)}'>{piece}</span>" if style else piece)
        out.extend(ends.get(b, []))
    return "<div style='line-height:150%'>" + "".join(out) + "</div>"
