"""The engine: files, parsing, running rules, fixes, reports, config."""
