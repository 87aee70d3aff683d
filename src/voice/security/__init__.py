"""Accounts, roles, the audit trail, retention."""
