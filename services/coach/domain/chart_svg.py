"""The agent's own weekly scores per skill as a line chart: plain SVG rendered on the server. Pure.

No script and no style attributes (the pages' Content-Security-Policy allows neither inline),
only presentation attributes. Nothing is told by colour alone: every series also has its own
dash pattern and marker shape and is labelled by name at its last point, and every point has a
tooltip title. The chart is an image with a title and a description that state the figures;
the page shows the same numbers as a table for anyone who prefers one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from services.coach.domain.skill_words import percent, skill_title

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 190, 24, 44  # margins; the right one holds the series labels
LABEL_GAP = 15  # minimum vertical distance between two series labels, in px
TEXT = "#1d1d1f"
GRID = "#c8c8cc"

# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), darkened
# where needed to keep 3:1 contrast against white; each series also differs in dash and marker.
_STYLES: tuple[tuple[str, str, str], ...] = (
    ("#0072B2", "", "circle"),
    ("#C24F00", "7 4", "square"),
    ("#007A5A", "2 3", "triangle"),
    ("#B0508C", "9 3 2 3", "diamond"),
    ("#8A6100", "4 4", "triangle-down"),
    ("#1F77B4", "12 4", "plus"),
    ("#000000", "1 3", "cross"),
    ("#6A3D9A", "5 2 1 2", "star"),
)


@dataclass(frozen=True)
class Point:
    week: str
    value: float  # mean score in [0, 1]
    count: int  # scored replies behind it


@dataclass(frozen=True)
class Series:
    dimension: str
    points: tuple[Point, ...]


def render_chart(weeks: Sequence[str], series: Sequence[Series], *,
                 chart_id: str = "score-chart", title: str | None = None,
                 description: str | None = None) -> str:
    """An SVG document: one line per skill over ``weeks`` (oldest first), gaps where a skill had
    no scored reply that week. ``title`` / ``description`` replace the agent's own wording (the
    team view charts a team)."""
    title = title or "Your average score per skill, week by week"
    description = description or describe(weeks, series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" id="{chart_id}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _axes(weeks),
    ]
    labels: list[tuple[float, Series, int]] = []
    for index, line in enumerate(series):
        drawn = _series(weeks, line, index)
        if drawn:
            parts.append(drawn)
            last = line.points[-1] if line.points else None
            if last is not None and last.week in weeks:
                labels.append((_y(last.value), line, index))
    parts.extend(_labels(labels))
    parts.append("</svg>")
    return "\n".join(parts)


def describe(weeks: Sequence[str], series: Sequence[Series]) -> str:
    """The chart in words: what it shows and each skill's latest figure."""
    shown = [s for s in series if s.points]
    if not weeks or not shown:
        return "No scored replies yet, so there is nothing to chart."
    latest = "; ".join(
        f"{skill_title(s.dimension)} {percent(s.points[-1].value)} in {s.points[-1].week}"
        for s in shown)
    return (f"Weeks {weeks[0]} to {weeks[-1]}, 0 to 100% (how strongly your scored replies "
            f"showed each skill, averaged per week). Latest: {latest}.")


def _x(weeks: Sequence[str], week: str) -> float:
    span = WIDTH - LEFT - RIGHT
    if len(weeks) == 1:
        return LEFT + span / 2
    return LEFT + span * weeks.index(week) / (len(weeks) - 1)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(1.0, max(0.0, value)))


def _axes(weeks: Sequence[str]) -> str:
    parts = ['<g class="axes" aria-hidden="true">']
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(tick)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="{TEXT}">{percent(tick)}</text>')
    for week in weeks:
        x = _x(weeks, week)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                     f'fill="{TEXT}">{escape(week.split("-")[-1])}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" fill="{TEXT}">ISO week</text>')
    parts.append("</g>")
    return "".join(parts)


def _series(weeks: Sequence[str], line: Series, index: int) -> str:
    colour, dash, marker = _STYLES[index % len(_STYLES)]
    points = [p for p in line.points if p.week in weeks]
    if not points:
        return ""
    position = {week: i for i, week in enumerate(weeks)}
    # A gap week breaks the line: a line across it would claim scores that do not exist.
    commands: list[str] = []
    previous: int | None = None
    for point in points:
        step = "L" if previous is not None and position[point.week] == previous + 1 else "M"
        commands.append(f"{step}{_x(weeks, point.week):.1f},{_y(point.value):.1f}")
        previous = position[point.week]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts = [f'<g class="series" data-dimension="{escape(line.dimension)}">',
             f'<path d="{" ".join(commands)}" fill="none" stroke="{colour}" stroke-width="2.5"'
             f'{dash_attr}/>']
    for point in points:
        tip = (f"{skill_title(line.dimension)}, {point.week}: {percent(point.value)} "
               f"over {point.count} scored repl{'y' if point.count == 1 else 'ies'}")
        shape = _marker(marker, _x(weeks, point.week), _y(point.value))
        parts.append(
            f'<path class="point" data-week="{escape(point.week)}" '
            f'data-score="{point.value:.4f}" d="{shape}" fill="{colour}" stroke="{colour}" '
            f'stroke-width="1.5"><title>{escape(tip)}</title></path>')
    parts.append("</g>")
    return "".join(parts)


def _labels(placed: list[tuple[float, Series, int]]) -> list[str]:
    """Each series' name and latest figure beside the plot, pushed apart so none overlap."""
    placed = sorted(placed, key=lambda item: item[0])
    ys = spread([y for y, _, _ in placed], LABEL_GAP, low=TOP, high=HEIGHT - BOTTOM)
    parts = []
    x = WIDTH - RIGHT + 14
    for (_, line, index), y in zip(placed, ys, strict=True):
        colour, _, marker = _STYLES[index % len(_STYLES)]
        latest = line.points[-1]
        parts.append(
            f'<g class="series-label" data-dimension="{escape(line.dimension)}">'
            f'<path d="{_marker(marker, x, y)}" fill="{colour}" stroke="{colour}"/>'
            f'<text x="{x + 10}" y="{y + 4:.1f}" fill="{TEXT}">'
            f'{escape(skill_title(line.dimension))} {percent(latest.value)}</text></g>')
    return parts


def spread(targets: Sequence[float], gap: float, *, low: float, high: float) -> list[float]:
    """Positions as close to ``targets`` (ascending) as possible, at least ``gap`` apart: labels
    that would collide form a block centred on their lines' mean, blocks merge as they touch."""
    blocks: list[tuple[int, int, float]] = []  # (first index, size, top position)
    for index, target in enumerate(targets):
        blocks.append((index, 1, target))
        while len(blocks) > 1 and blocks[-2][2] + blocks[-2][1] * gap > blocks[-1][2]:
            (first, size, _), (_, more, _) = blocks[-2], blocks[-1]
            mean = sum(targets[first:first + size + more]) / (size + more)
            blocks[-2:] = [(first, size + more, mean - gap * (size + more - 1) / 2)]
    ys = [top + k * gap for _, size, top in blocks for k in range(size)]
    for index in range(len(ys)):  # keep inside the plot, still apart
        ys[index] = max(ys[index], low, ys[index - 1] + gap if index else low)
    overflow = ys[-1] - high if ys else 0.0
    if overflow > 0:  # pushed below the plot: shift the stack up, keeping the gaps
        ys = [max(low, y - overflow) for y in ys]
    return ys


def _marker(shape: str, x: float, y: float, r: float = 4.5) -> str:
    """A small closed path of the given shape centred on (x, y)."""
    def poly(points: Sequence[tuple[float, float]]) -> str:
        return "M" + " L".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in points) + " Z"

    shapes: Mapping[str, Sequence[tuple[float, float]]] = {
        "square": ((-r, -r), (r, -r), (r, r), (-r, r)),
        "triangle": ((0, -r * 1.2), (r * 1.1, r * 0.8), (-r * 1.1, r * 0.8)),
        "triangle-down": ((0, r * 1.2), (r * 1.1, -r * 0.8), (-r * 1.1, -r * 0.8)),
        "diamond": ((0, -r * 1.3), (r * 1.1, 0), (0, r * 1.3), (-r * 1.1, 0)),
        "plus": ((-r / 3, -r), (r / 3, -r), (r / 3, -r / 3), (r, -r / 3), (r, r / 3),
                 (r / 3, r / 3), (r / 3, r), (-r / 3, r), (-r / 3, r / 3), (-r, r / 3),
                 (-r, -r / 3), (-r / 3, -r / 3)),
        "cross": ((-r, -r * 0.6), (-r * 0.6, -r), (0, -r * 0.4), (r * 0.6, -r), (r, -r * 0.6),
                  (r * 0.4, 0), (r, r * 0.6), (r * 0.6, r), (0, r * 0.4), (-r * 0.6, r),
                  (-r, r * 0.6), (-r * 0.4, 0)),
        "star": ((0, -r * 1.3), (r * 0.35, -r * 0.4), (r * 1.25, -r * 0.4), (r * 0.55, r * 0.2),
                 (r * 0.8, r * 1.1), (0, r * 0.55), (-r * 0.8, r * 1.1), (-r * 0.55, r * 0.2),
                 (-r * 1.25, -r * 0.4), (-r * 0.35, -r * 0.4)),
    }
    if shape in shapes:
        return poly(shapes[shape])
    # A circle as two arcs.
    return (f"M{x - r:.1f},{y:.1f} a{r},{r} 0 1,0 {2 * r:.1f},0 "
            f"a{r},{r} 0 1,0 {-2 * r:.1f},0 Z")
