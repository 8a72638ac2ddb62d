"""The view layer: every question a page, map or export asks of the data, answered once (`DataView`)."""

from frontierwatch.views.dataview import DataView, fmt_range, newest_first

__all__ = ["DataView", "fmt_range", "newest_first"]
