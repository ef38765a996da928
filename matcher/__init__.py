"""Turn a need into ranked members, teams and invitations (imports indexing, never api)."""
