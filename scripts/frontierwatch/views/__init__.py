"""The view layer: every question a page, map or export asks of the data, answered once."""
