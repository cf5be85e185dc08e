"""The failure mode each kind of fact gives: what breaks, how it shows in metrics or logs, the
trigger that catches it and the rollback level that is still safe.

``{what}`` is replaced by the fact's words and detail, ``{where}`` by its files and lines,
``{error}`` and ``{latency}`` by the critical thresholds of the plan's monitors.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.model import Severity

__all__ = ["CATALOGUE", "EVALUATE", "IMMEDIATE", "FactMode"]

IMMEDIATE = "Immediate rollback"
EVALUATE = "Evaluate rollback within 15 min"
_FORWARD = "Roll forward with a fix (see rollback hazards)"
_L3 = "Level 3 (code revert) is safe"


@dataclass(frozen=True)
class FactMode:
    """The failure mode one kind of fact gives (placeholders: see the module docstring)."""

    scenario: str
    severity: Severity
    detection: str
    trigger: str
    rollback: str


CATALOGUE: dict[str, FactMode] = {
    "hash_upgrade": FactMode(
        "Password hashing moves to a new algorithm ({what}) at {where}: hashes written or "
        "upgraded from now on cannot be verified by the previous version",
        "CRITICAL",
        "Failed sign-ins (401 on the login route, 'invalid password' in the logs) rise for users "
        "who signed in since the deploy, right after a rollback",
        "Login failures above baseline or >10 reports/hour: " + _FORWARD,
        "Level 1 if the hasher is behind the flag; Level 3 only with a build that still verifies "
        "the new hashes, else roll forward",
    ),
    "password_rehash": FactMode(
        "Passwords are re-hashed at sign-in ({what}) at {where}: a one-way upgrade of the "
        "stored hashes",
        "CRITICAL",
        "Failed sign-ins after a rollback for users who signed in since the deploy",
        "Login failures above baseline after a rollback: " + _FORWARD,
        "Level 3 only with a build that verifies the upgraded hashes, else roll forward",
    ),
    "password_hashing": FactMode(
        "Password hashing or verification changed ({what}) at {where}: valid passwords rejected "
        "or new hashes unreadable by other versions",
        "CRITICAL",
        "Failed sign-ins (401 on the login route) and password-reset requests rise",
        "Login failures (>10 reports/hour) or failed-login rate above baseline: " + IMMEDIATE,
        _L3 + " while no stored hash was rewritten",
    ),
    "secret_hashed": FactMode(
        "Secrets are now stored hashed ({what}) at {where}: the previous version compares them "
        "as plaintext and rejects every key issued or migrated since the deploy",
        "CRITICAL",
        "401s on API-key or token authenticated calls, 'invalid API key' in client reports, "
        "after a rollback",
        "API-key authentication failures above baseline: " + _FORWARD,
        "Roll forward; Level 3 only while the plaintext column is still written",
    ),
    "authz_removed": FactMode(
        "An authentication or authorization check is removed ({what}) at {where}: the route may "
        "now serve callers it refused",
        "CRITICAL",
        "No error metric shows it: in the canary call the route anonymously and as a "
        "low-privilege user (expect 401/403); watch audit logs for unexpected callers",
        "Security incident or unauthorised access observed: " + IMMEDIATE,
        _L3 + " (the check comes back)",
    ),
    "authz_check": FactMode(
        "An authentication or authorization check changes ({what}) at {where}: legitimate "
        "requests get 401/403, or the wrong callers get through",
        "CRITICAL",
        "401/403 rate per route against the baseline; access by the wrong users only shows in "
        "audit logs or a canary probe",
        "401/403 rate above baseline for 5 min or a security report: " + IMMEDIATE,
        _L3,
    ),
    "auth_function": FactMode(
        "Code inside the authentication function {what} changes at {where}: sign-in, token or "
        "permission behaviour may change for every user who passes through it",
        "HIGH",
        "Sign-in failures and 401/403 rates of the routes that call it",
        "401/403 rate above baseline for 5 min or login failures reported: " + EVALUATE,
        "Level 3 (code revert) is safe",
    ),
    "jwt": FactMode(
        "Token signing or validation changes ({what}) at {where}: tokens issued before the "
        "deploy (or, after a rollback, by this version) are rejected and users are signed out",
        "HIGH",
        "401 spike on authenticated routes right after deploy or rollback; 'invalid signature' "
        "or 'token expired' in the logs",
        "401 rate above baseline for 5 min: " + EVALUATE,
        _L3 + "; users sign in again",
    ),
    "session_config": FactMode(
        "Session handling changes ({what}) at {where}: existing sessions become invalid or "
        "cookies are not sent back, signing users out",
        "HIGH",
        "Sign-in rate and redirects to the login page jump at deploy; 401s on session routes",
        "Sign-in rate above baseline or 401 rate rising: " + EVALUATE,
        "Level 2 if the setting lives in configuration, else Level 3; users sign in again",
    ),
    "oauth": FactMode(
        "The OAuth/OIDC flow changes ({what}) at {where}: sign-in through the provider fails",
        "HIGH",
        "Errors on the callback route; 'invalid_grant' or 'redirect_uri_mismatch' in the logs",
        "Provider sign-in errors above baseline: " + EVALUATE,
        _L3,
    ),
    "encryption": FactMode(
        "Encryption or keys change ({what}) at {where}: data written with the new key or scheme "
        "cannot be read by the previous version",
        "CRITICAL",
        "Decryption errors ('InvalidToken', 'bad decrypt') and 500s on reads of encrypted fields",
        "Decryption errors in the logs: " + _FORWARD,
        "Roll forward unless the previous version can still read the new data (both keys)",
    ),
    "web_security": FactMode(
        "CSRF, CORS or security headers change ({what}) at {where}: browsers block legitimate "
        "calls or a protection is weakened",
        "HIGH",
        "403 'CSRF verification failed', CORS errors in front-end error tracking",
        "403 rate or front-end CORS errors above baseline: " + EVALUATE,
        "Level 2 if the setting lives in configuration, else Level 3",
    ),
    "tls_verification": FactMode(
        "TLS verification changes ({what}) at {where}: outbound calls fail handshakes or accept "
        "unverified certificates",
        "HIGH",
        "Handshake/certificate errors in the logs of outbound calls",
        "Outbound call errors above baseline: " + EVALUATE,
        _L3,
    ),
    "payment_call": FactMode(
        "A payment provider call changes ({what}) at {where}: charges are duplicated, missing "
        "or for the wrong amount",
        "CRITICAL",
        "Provider dashboard against orders (paid but not fulfilled, charged twice); payment "
        "4xx/5xx and idempotency errors in the logs",
        "Payment succeeded but order failed: " + IMMEDIATE,
        _L3 + " for new requests; charges already made need reconciliation",
    ),
    "money": FactMode(
        "Money arithmetic changes ({what}) at {where}: amounts rounded, converted or summed "
        "wrongly",
        "HIGH",
        "Order totals of the canary differ from the baseline's for the same carts; "
        "reconciliation mismatches",
        "Totals mismatch or payment/order mismatch: " + IMMEDIATE,
        _L3 + "; wrong amounts already charged need correcting",
    ),
    "bulk_write": FactMode(
        "A bulk write ({what}) at {where} rewrites or deletes many rows; a rollback does not "
        "restore them",
        "CRITICAL",
        "Row counts of the table shift (compare SELECT count(*) before and after); data drift "
        "reports",
        "Data loss or corruption: " + IMMEDIATE + " and restore the affected rows",
        "Level 3 stops further writes; the rows need the pre-deploy backup",
    ),
    "data_write": FactMode(
        "A changed write path ({what}) at {where} stores wrong or partial records",
        "HIGH",
        "Constraint violations (IntegrityError, 'violates') in the logs; error rate {error}",
        "Error rate {error} sustained 10 min: " + EVALUATE,
        _L3 + "; records written meanwhile stay as written",
    ),
    "unique_constraint": FactMode(
        "A unique constraint ({what}) at {where} fails on existing duplicate rows or rejects "
        "writes the previous version makes",
        "HIGH",
        "'could not create unique index' from the migration; 'duplicate key value violates "
        "unique constraint' in the logs",
        "Migration fails or duplicate-key errors appear: stop the rollout",
        "Level 3 after the migration's down (drop the constraint)",
    ),
    "external_call": FactMode(
        "An external call ({what}) at {where} times out or errors: the requests waiting on it "
        "slow down or fail",
        "HIGH",
        "Latency p95 {latency}; upstream 5xx and timeouts in the logs",
        "Latency p95 {latency} sustained: " + EVALUATE,
        _L3,
    ),
    "timeout_retry": FactMode(
        "Timeouts or retries change ({what}) at {where}: slow upstreams hold workers longer or "
        "retries multiply load",
        "MODERATE",
        "Latency p95 {latency}; retry counts and upstream request rate",
        "Latency p95 {latency} sustained: " + EVALUATE,
        _L3,
    ),
    "concurrency": FactMode(
        "Locking or concurrency changes ({what}) at {where}: deadlocks, lock waits or races "
        "(duplicate or lost updates)",
        "HIGH",
        "Lock-wait timeouts and deadlock errors in the database logs; p99 latency; duplicate "
        "records",
        "Deadlock errors or latency p95 {latency}: " + EVALUATE,
        _L3,
    ),
    "email_send": FactMode(
        "Messages sent by the change ({what}) at {where} go out wrong, twice or not at all",
        "MODERATE",
        "Provider send and bounce rates; mail queue depth",
        "Send or bounce errors above baseline: queue for retry, do not block the user flow",
        _L3 + "; messages already sent cannot be recalled",
    ),
    "dependency": FactMode(
        "Dependency {what} at {where} changes code under every caller: start-up import errors "
        "or changed behaviour",
        "HIGH",
        "Crash loop or readiness failures at deploy; new exception types in the logs",
        "Build or start-up failure, or new errors: stop, Level 3",
        _L3 + " unless the new version wrote data in a new format",
    ),
    "managed_upgrade": FactMode(
        "{what} at {where}: the engine upgrade restarts the datastore and has no downgrade path",
        "CRITICAL",
        "Connection errors or failovers during the upgrade window; driver incompatibilities "
        "after it",
        "Datastore unavailable after apply: restore the pre-upgrade snapshot into a new instance",
        "None in place: a code revert or an apply of the old version does not downgrade it",
    ),
    "data_protection_off": FactMode(
        "Data protection is turned off ({what}) at {where}: a later destroy or replacement loses "
        "the data",
        "HIGH",
        "The plan output of terraform shows a destroy or replace of a datastore",
        "Terraform plan shows a destroy of a datastore: stop, do not apply",
        "Level 3 (revert the setting) before any destroy runs",
    ),
    "security_fix": FactMode(
        "The security fix ({what}) in {where} changes behaviour: requests the fix now rejects "
        "fail (400/403)",
        "HIGH",
        "4xx rate per route against the baseline",
        "4xx rate above baseline on the fixed routes: " + _FORWARD,
        "Roll forward: a rollback re-opens the vulnerability",
    ),
}
