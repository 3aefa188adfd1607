"""Helpers for the end-to-end tests: the Portico process, the AWS CLI, curl, a fake upstream."""
