"""Evidence of personal data: pure Python, no LibCST.

The linter's rules and the runtime masking helpers both decide "is this
personal?" with these modules, so they must stay importable without the
linter's dependencies.
"""
