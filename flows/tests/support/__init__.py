"""Fixtures and builders shared by the configuration-as-code tests (test_configure.py, test_deployments.py)."""
