"""The FFP quarterly return (issue 16 item 4): figures.py counts (as DEFINITION.md defines), writers.py writes the
XLSX, CSV and one-page PDF, builder.py is the FFP_RETURN builder, schedule.py prepares the quarter's draft."""

from .figures import VERSION, Figures, Row, ffp_figures

__all__ = ["VERSION", "Figures", "Row", "ffp_figures"]
