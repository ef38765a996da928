"""HTTP routes: thin, one core call each."""
