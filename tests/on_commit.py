"""What a transaction queued for after its commit, apart from the map tiles' data version
(maps.tiles.data_version_bump: once per transaction that changed a listing)."""

from maps.tiles import data_version_bump


def queued_work(callbacks: list) -> list:
    """The callbacks django_capture_on_commit_callbacks captured, but the tiles' version."""
    return [callback for callback in callbacks if callback is not data_version_bump]
