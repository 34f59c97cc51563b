"""What a person (or an automatic rule) may do to an account or post, and who may do it.

Pure and shared by the review console, its HTTP API and the automatic executor, so that every
action passes through the same checks: the action exists, the role is high enough for it and
for its breadth (a bulk action on a large cluster needs a lead), and a post action names a post.
Reversals are what an overturned appeal sends to the platform.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("viewer", "reviewer", "lead", "admin")

#: action -> (what it targets, minimum role)
REVIEW_ACTIONS: dict[str, tuple[str, str]] = {
    "suspend": ("account", "reviewer"),
    "remove_post": ("post", "reviewer"),
    "restrict": ("account", "reviewer"),
    "dismiss": ("case", "reviewer"),
    "escalate": ("case", "reviewer"),
    # Reversals, sent when an appeal overturns a case.
    "reinstate": ("account", "reviewer"),
    "restore_post": ("post", "reviewer"),
    "unrestrict": ("account", "reviewer"),
}
REVERSAL: dict[str, str] = {"suspend": "reinstate", "remove_post": "restore_post", "restrict": "unrestrict"}
#: Actions that change what the platform does (sent to the output sinks).
ENFORCING = frozenset({"suspend", "remove_post", "restrict", "reinstate", "restore_post", "unrestrict"})
#: A bulk action hitting more accounts than this needs a lead.
BULK_LEAD_THRESHOLD = 10


class ActionRefused(Exception):
    """The action is not allowed; ``status`` is the HTTP status that says why (403 role, 422 shape)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.status = status


def role_rank(role: str) -> int:
    try:
        return ROLES.index(role)
    except ValueError:
        return -1


def role_at_least(role: str, minimum: str) -> bool:
    return role_rank(role) >= role_rank(minimum) >= 0


@dataclass(frozen=True, slots=True)
class ActionCheck:
    action: str
    target: str
    min_role: str


def check_action(action: str, role: str, n_accounts: int = 1, post_id: str | None = None) -> ActionCheck:
    """Raise ``ActionRefused`` unless ``role`` may take ``action`` on ``n_accounts`` accounts."""
    if action not in REVIEW_ACTIONS:
        raise ActionRefused(f"unknown action {action!r}; known: {', '.join(REVIEW_ACTIONS)}")
    target, min_role = REVIEW_ACTIONS[action]
    if n_accounts > BULK_LEAD_THRESHOLD and role_rank(min_role) < role_rank("lead"):
        min_role = "lead"
    if not role_at_least(role, min_role):
        raise ActionRefused(f"{action} on {n_accounts} account(s) needs role {min_role}; you are {role}", 403)
    if target == "post" and not post_id:
        raise ActionRefused(f"{action} needs a post_id")
    if n_accounts < 1 and target == "account":
        raise ActionRefused(f"{action} hits no account")
    return ActionCheck(action, target, min_role)
