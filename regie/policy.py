"""Who sees the coordination page and its exports: coordinators and moderators (the roles are
decided by accounts.policy). Everyone else gets 404, as for the other statistics."""

from accounts.policy import is_coordinator


def can_see_coordination(user) -> bool:
    return is_coordinator(user)
