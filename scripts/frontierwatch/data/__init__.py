"""The data layer: YAML reading with positions, the models (the schema), vocabularies, the loader and its
checks, and the Dataset. Nothing here knows about pages, maps or MkDocs."""
