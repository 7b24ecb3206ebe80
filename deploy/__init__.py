"""Hosting genlab: the hosting profile launcher (serve.py), nginx replicas (replicas.sh)."""
