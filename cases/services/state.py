"""Conventions shared by every service that changes state: refusing a stale edit."""

class StaleEdit(Exception):  # noqa: N818
    """Someone else saved this record after it was opened: the later save is refused, not merged."""

    def __init__(self, current_version: int) -> None:
        super().__init__("Someone else changed this record while you were editing it. Your changes have not "
                         "been saved: check their changes below, then make yours again.")
        self.current_version = current_version
