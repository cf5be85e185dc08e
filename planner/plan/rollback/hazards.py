"""Rollback hazards: the one-way effects of a change that a rollback does not undo.

From the facts the risk classification read (hash upgrades, secrets now hashed, re-encryption,
bulk rewrites, unique constraints, sent messages, charged cards, managed-service upgrades,
security fixes): what the effect is, what must happen before rolling back, and whether rolling
forward is the safer fix. They go into the rollback section of the plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Fact, Hazard
from planner.plan.context import PlanContext
from planner.plan.failures import cite

__all__ = ["HAZARDS", "HazardText", "build_hazards"]


@dataclass(frozen=True)
class HazardText:
    """``{what}`` is the fact's text and detail, ``{where}`` its files and lines."""

    effect: str
    before_rollback: str
    roll_forward: bool


HAZARDS: dict[str, HazardText] = {
    "hash_upgrade": HazardText(
        "Password hashes written or upgraded by this version ({what}, {where}) cannot be verified "
        "by the previous version: after a rollback, users who signed in since the deploy are "
        "locked out",
        "Keep the new algorithm in the previous version's verifier list (ship that build first), "
        "or plan a forced password reset for the users whose hash changed since the deploy",
        True,
    ),
    "password_rehash": HazardText(
        "Stored password hashes are rewritten at sign-in ({what}, {where}): a one-way upgrade the "
        "previous version may not verify",
        "Count the hashes rewritten since the deploy (by their prefix) and make sure the previous "
        "version verifies them before rolling back",
        True,
    ),
    "secret_hashed": HazardText(
        "Secrets are now stored hashed ({what}, {where}); the previous version reads them as "
        "plaintext and rejects every key issued or migrated since the deploy",
        "Keep writing the plaintext column until the change is final, or reissue the keys "
        "created since the deploy after rolling back",
        True,
    ),
    "encryption": HazardText(
        "Data encrypted with the new key or scheme ({what}, {where}) is unreadable by the "
        "previous version",
        "Give the previous version both keys (e.g. MultiFernet with old and new) before rolling "
        "back, or decrypt and re-encrypt the rows written since the deploy",
        True,
    ),
    "bulk_write": HazardText(
        "Rows rewritten or deleted by {what} ({where}) stay changed after a rollback",
        "Snapshot the affected table before the deploy; after a rollback restore the rows from it",
        False,
    ),
    "unique_constraint": HazardText(
        "The unique constraint {what} ({where}) stays after a code revert and rejects the "
        "duplicates the previous version writes; creating it fails if duplicates exist",
        "Before deploying, check for duplicates (SELECT <cols>, count(*) ... GROUP BY <cols> "
        "HAVING count(*) > 1  # fill in: table and columns); before a code revert, run the "
        "migration's down",
        False,
    ),
    "email_send": HazardText(
        "Messages sent by this version ({what}, {where}) cannot be recalled",
        "Pause the sending queue before rolling back and tell the recipients of wrong messages",
        False,
    ),
    "payment_call": HazardText(
        "Charges and refunds made by this version ({what}, {where}) are not undone by a rollback",
        "Reconcile with the provider's dashboard and refund duplicates before and after rolling "
        "back",
        False,
    ),
    "money": HazardText(
        "Amounts computed by this version ({what}, {where}) and already charged or stored stay "
        "as they are",
        "List the orders created since the deploy and correct their amounts after rolling back",
        False,
    ),
    "managed_upgrade": HazardText(
        "{what} ({where}) cannot be downgraded in place: neither a code revert nor applying the "
        "old version brings the old engine back",
        "Take a snapshot before applying; rolling back means restoring it into a new instance "
        "and repointing the service (writes since the snapshot are lost)",
        True,
    ),
    "data_protection_off": HazardText(
        "With {what} ({where}) a destroy or replacement applied meanwhile loses the data for good",
        "Revert the protection setting first and check the terraform plan shows no destroy",
        False,
    ),
    "security_fix": HazardText(
        "A rollback re-opens {what} ({where})",
        "Prefer a forward fix; if rolling back, put a mitigation in place first (block the "
        "affected route or input at the proxy or WAF)",
        True,
    ),
    "jwt": HazardText(
        "Tokens issued by this version ({what}, {where}) are rejected after a rollback: users "
        "are signed out a second time",
        "Announce the sign-out; no data is lost",
        False,
    ),
    "session_config": HazardText(
        "Sessions created by this version ({what}, {where}) are invalid after a rollback: users "
        "are signed out a second time",
        "Announce the sign-out; no data is lost",
        False,
    ),
}


def build_hazards(ctx: PlanContext) -> tuple[Hazard, ...]:
    """One hazard per fact kind of the change's live files and commits, roll-forward ones first."""
    facts: dict[str, list[Fact]] = {}
    for f in ctx.risk.files:
        if f.level == "ZERO":
            continue
        for fact in f.facts:
            facts.setdefault(fact.kind, []).append(fact)
    for fact in ctx.risk.facts:
        facts.setdefault(fact.kind, []).append(fact)
    out: list[Hazard] = []
    for kind, text in HAZARDS.items():
        group = facts.get(kind)
        if not group:
            continue
        first = group[0]
        what = f"{first.text} {first.detail}".strip() if first.detail else first.text
        where = ", ".join(cite(f) for f in group[:3]) + (
            f" and {len(group) - 3} more" if len(group) > 3 else ""
        )
        fields = {"what": f"`{what}`", "where": where}
        out.append(
            Hazard(
                effect=text.effect.format(**fields),
                before_rollback=text.before_rollback,
                roll_forward=text.roll_forward,
                evidence=tuple(cite(f) for f in group),
            )
        )
    return tuple(sorted(out, key=lambda h: not h.roll_forward))
