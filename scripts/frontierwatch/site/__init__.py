"""The site layer: pages, templates, HTML fragments, and the one adapter to MkDocs and Material."""
