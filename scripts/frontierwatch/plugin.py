"""The name MkDocs knows the plugin by (entry point `frontierwatch.plugin:FrontierWatchPlugin`).

The plugin lives in `frontierwatch.site.plugin`; this module only keeps the entry point's name stable, so an
installed environment need not be reinstalled when the package's layout changes."""

from frontierwatch.site.plugin import FrontierWatchPlugin

__all__ = ["FrontierWatchPlugin"]
