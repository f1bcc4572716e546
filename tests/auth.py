"""Signing in as a person does: through the sign-in form (so sign-in throttling applies)."""

from django.urls import reverse


def signs_in(client, username: str, password: str, *, url: str | None = None) -> bool:
    """Post the sign-in form; True if it signed the user in."""
    response = client.post(url or reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session
