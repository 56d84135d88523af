"""Server-rendered SVG bar charts for the dashboards (issue 16 item 7). The page's Content-Security-Policy forbids
inline styles and scripts, so a chart is plain SVG geometry computed here (x, y, width, height attributes) and drawn by
templates/reporting/_chart.html with classes only (assets/scss/app.scss colours and sizes them). No chart library.

Each chart is an image with a name (role="img", <title> and <desc>) and its numbers as a table below it, which is
what a screen reader reads; the bars carry their number in text next to them, so nothing is told by colour alone.
Bars are horizontal with the label on its own line above the bar, so a chart scales down to 320 CSS pixels without
scrolling sideways (the SVG is as wide as its container, its viewBox fixed)."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 400  # the viewBox's width
ROW = 46  # one bar and its label
LABEL_BASELINE = 17
BAR_TOP = 24
BAR_HEIGHT = 16
TEXT_ROOM = 110  # right of the longest bar: its number ("100%", "123,456" or "none due" at 16 units bold)
PADDING = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar's length shows (a count, or a per cent)
    text: str  # the number written next to it


@dataclass(frozen=True)
class DrawnBar:
    """A bar's geometry as the SVG's attribute values: strings already, so the template writes them as they are (no
    number localisation per attribute)."""

    label: str
    text: str
    label_y: str
    bar_y: str
    width: str
    text_x: str
    text_y: str


def _cell(value) -> str:
    """A table cell as text: numbers with thousands separators (1,234), once, here."""
    if isinstance(value, str):
        return value
    return f"{value:,}"


@dataclass
class Chart:
    """One chart: `key` makes its element ids, `headers` and `table` its numbers for everyone (the first cell of a
    row is its heading). `percent`: the bars' scale is 0-100 whatever the values; otherwise the largest value."""

    key: str
    title: str
    description: str
    bars: list[Bar]
    headers: list[str]
    table: list[list]
    percent: bool = False
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.table = [[_cell(value) for value in row] for row in self.table]
        self.drawn = self._draw()

    @property
    def scale(self) -> float:
        if self.percent:
            return 100.0
        return max((b.value for b in self.bars), default=0) or 1.0

    bar_room = WIDTH - TEXT_ROOM - PADDING

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW + PADDING

    def _draw(self) -> list[DrawnBar]:
        drawn = []
        for index, bar in enumerate(self.bars):
            top = index * ROW + PADDING
            width = round(self.bar_room * max(0.0, min(bar.value, self.scale)) / self.scale, 1)
            drawn.append(
                DrawnBar(
                    label=bar.label,
                    text=bar.text,
                    label_y=str(top + LABEL_BASELINE),
                    bar_y=str(top + BAR_TOP),
                    width=f"{width:g}",
                    text_x=f"{round(PADDING + width + 6, 1):g}",
                    text_y=str(top + BAR_TOP + BAR_HEIGHT - 3),
                )
            )
        return drawn

    @property
    def view_box(self) -> str:
        return f"0 0 {WIDTH} {self.height}"

    @property
    def bar_room_text(self) -> str:
        return str(self.bar_room)


def count_text(value: int) -> str:
    return f"{value:,}"


def percent_text(percent: float | None) -> str:
    """'85.3%' (or '100%'), or 'none due': what a per cent bar writes next to it (short enough to fit beside the
    longest bar at any number; the counts are in the table)."""
    if percent is None:
        return "none due"
    return f"{percent:.0f}%" if percent == int(percent) else f"{percent:.1f}%"


def rate_text(percent: float | None, on_time: int, due: int) -> str:
    """'85.3% (170 of 200)', or 'none due'."""
    if percent is None:
        return "none due"
    return f"{percent_text(percent)} ({on_time:,} of {due:,})"
