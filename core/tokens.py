"""Unguessable tokens for links sent by e-mail."""

import secrets


def new_token() -> str:
    """32 URL-safe characters (24 random bytes): a model field default, so it keeps this path
    for the migrations that name it."""
    return secrets.token_urlsafe(24)
