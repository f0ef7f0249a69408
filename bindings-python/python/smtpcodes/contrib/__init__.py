"""Integrations with other packages; each is imported only when used."""
