"""`logmask server`: the Language Server Protocol front door (the `logmask[server]` extra).

- `app`: the pygls wiring (which messages, which answers)
- `documents`: open documents, debounced checks, stale results dropped
- `analysis`: the engine on in-memory text (Python files, notebook cells)
- `convert`: findings as diagnostics, fixed texts as edits, `# noqa` edits
- `settings`: initialization options and `[tool.logmask]`, reloaded on change
- `rule_pages`: the rule documentation a diagnostic links to

Nothing here is imported by the CLI until `logmask server` runs.
"""
