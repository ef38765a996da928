"""Subcommands of the `wellspring` CLI."""
