"""Evidence handling: redaction of identifying details before quotes are shared."""
