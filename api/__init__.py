"""The faces of Wellspring: the HTTP service, the web page and the CLI."""
