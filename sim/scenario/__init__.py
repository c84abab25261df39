"""Scenarios and inputs: the schema, the programme's vocabulary, duration distributions, sources,
dotted paths and reading users' files."""
