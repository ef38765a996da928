"""Deployment helpers: the nginx configuration in front of replicas (docs/DEPLOYMENT.md)."""
