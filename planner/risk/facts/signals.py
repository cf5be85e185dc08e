"""What changed lines can say about a change: the content vocabulary of the risk evidence.

Each :class:`Signal` is a regex over the changed lines of a file (never the untouched rest of
it), guarded by lower-case keywords so the regex only runs on lines that can match. The table
covers the ways the common stacks spell the same thing: Django, Flask and FastAPI; Rails; Spring
(Java and Kotlin); Go; Node (JS/TS); Laravel (PHP); and the YAML, properties and ``.env``
files their settings live in. A signal names its fact ``kind`` (what :mod:`planner.plan.failures`
and :mod:`planner.plan.rollback.hazards` turn into failure modes and rollback hazards), its
category and
the level it gives the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from planner.model import RiskLevel
from planner.risk.facts.vocabulary import (
    AUTHZ,
    BULK_WRITE,
    CONCURRENCY,
    EMAIL,
    ENCRYPTION,
    EXTERNAL,
    JS_FETCH,
    JWT,
    MONEY,
    OAUTH,
    PASSWORD_HASHING,
    PAYMENT,
    REHASH,
    SECRET_HASHED,
    SESSION_CONFIG,
    TIMEOUT,
    TLS,
    UNIQUE,
    WEB_SECURITY,
    WRITE,
)

__all__ = ["JS_EXTENSIONS", "SIGNALS", "Side", "Signal"]

JS_EXTENSIONS = frozenset({"js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "vue", "svelte"})

Side = Literal["added", "removed"]


@dataclass(frozen=True)
class Signal:
    """One content signal.

    Attributes:
        kind: the fact it makes (``password_hashing``, ``authz_removed``, ``payment_call``...).
        category: the file category it adds (``auth``, ``payments``, ``data_write``...).
        level: the level the file gets when it is found.
        label: the first words of the reason.
        regex: searched in the changed lines of ``side``.
        keywords: lower-case substrings; the regex runs only when one is in the lines.
        side: ``"added"`` (lines at head) or ``"removed"`` (lines at base).
        code_only: only in source code (not in YAML, JSON, properties or ``.env`` files).
        exts: only in files with these extensions (``None``: any).
    """

    kind: str
    category: str
    level: RiskLevel
    label: str
    regex: re.Pattern[str]
    keywords: tuple[str, ...]
    side: Side = "added"
    code_only: bool = False
    exts: frozenset[str] | None = None


def _kw(words: str) -> tuple[str, ...]:
    """Keywords written ``"a|b|c"`` (one may contain a space, as ``"for update"``)."""
    return tuple(words.split("|"))


SIGNALS: tuple[Signal, ...] = (
    Signal(
        "password_hashing",
        "auth",
        "HIGH",
        "password hashing",
        PASSWORD_HASHING,
        _kw(
            "hasher|passw|bcrypt|argon|scrypt|pbkdf|hash::|cryptcontext|stretches|pepper|"
            "hash_driver"
        ),
    ),
    Signal(
        "password_rehash",
        "auth",
        "HIGH",
        "password re-hash on login",
        REHASH,
        _kw(
            "verify_and_update|needs_update|rehash|upgradeencoding|setter|"
            "userdetailspasswordservice"
        ),
    ),
    Signal("jwt", "auth", "HIGH", "JWT", JWT, _kw("jwt|jose|hs256|rs256|es256")),
    Signal(
        "session_config",
        "auth",
        "HIGH",
        "session handling",
        SESSION_CONFIG,
        _kw("session|secret_key|cookies."),
    ),
    Signal(
        "oauth",
        "auth",
        "HIGH",
        "OAuth/OIDC",
        OAUTH,
        _kw(
            "oauth|oidc|openid|authlib|omniauth|passport-|nextauth|next-auth|allauth|"
            "socialite|authentication_backends|clientregistration|doorkeeper|redirect_uri|"
            "client_secret|authorization_code|id_token|social_auth"
        ),
    ),
    Signal(
        "authz_check",
        "auth",
        "HIGH",
        "authentication/authorization check",
        AUTHZ,
        _kw(
            "login_required|permission|authenticat|authoriz|is_authenticated|secured|"
            "rolesallowed|permitall|securityfilterchain|httpsecurity|middleware|gate::|@can|"
            "requireauth|api_key|api-key|apikey|token_required|current_user|is_superuser|"
            "is_admin|is_staff|hasrole|hasanyrole|hasauthority|denyall|can?|policy_scope|"
            "depends(|httpbearer|httpbasic|httptokenauth|oauth2passwordbearer|useguards|"
            "authguard|rolesguard|verifytoken|requirerole|before_action|_required|"
            "securitycontextholder"
        ),
    ),
    Signal(
        "authz_removed",
        "auth",
        "HIGH",
        "authentication/authorization check removed",
        AUTHZ,
        _kw(
            "login_required|permission|authenticat|authoriz|is_authenticated|secured|"
            "rolesallowed|securityfilterchain|middleware|gate::|@can|requireauth|api_key|"
            "api-key|apikey|token_required|current_user|is_superuser|is_admin|is_staff|"
            "hasrole|hasauthority|can?|depends(|useguards|authguard|verifytoken|requirerole|"
            "before_action|_required"
        ),
        side="removed",
    ),
    Signal(
        "secret_hashed",
        "auth",
        "HIGH",
        "secret stored hashed",
        SECRET_HASHED,
        _kw("digest|hash"),
    ),
    Signal(
        "encryption",
        "auth",
        "HIGH",
        "encryption",
        ENCRYPTION,
        _kw("fernet|encrypt|cipher|aesgcm|kms.|_key"),
    ),
    Signal(
        "web_security",
        "auth",
        "HIGH",
        "web security setting",
        WEB_SECURITY,
        _kw(
            "csrf|cors|forgery|origin|secure_|x_frame|allowed_hosts|helmet|content_security|"
            "trustproxies"
        ),
    ),
    Signal(
        "tls_verification",
        "auth",
        "HIGH",
        "TLS verification",
        TLS,
        _kw("verify|insecure|rejectunauthorized|trustall|hostnameverifier"),
    ),
    Signal(
        "payment_call",
        "payments",
        "HIGH",
        "payment provider call",
        PAYMENT,
        _kw(
            "stripe|paymentintent|charge|refund|payout|transfer.create|braintree|adyen|"
            "paypal|checkout.session|subscription|cashier|capture"
        ),
        code_only=True,
    ),
    Signal(
        "money",
        "payments",
        "MEDIUM",
        "money arithmetic",
        MONEY,
        _kw("cents|money|bigdecimal|round|amount|price|balance|fee|tax|discount"),
        code_only=True,
    ),
    Signal(
        "bulk_write",
        "data_write",
        "HIGH",
        "bulk data write",
        BULK_WRITE,
        _kw("update|delete|truncate|saveall|bulk|many|batch"),
        code_only=True,
    ),
    Signal(
        "data_write",
        "data_write",
        "MEDIUM",
        "data write",
        WRITE,
        _kw(
            "insert|update|delete|upsert|merge|save|create|destroy|persist|commit|exec|"
            "modifying|session.add"
        ),
        code_only=True,
    ),
    Signal(
        "unique_constraint",
        "data_write",
        "MEDIUM",
        "unique constraint",
        UNIQUE,
        _kw("unique"),
    ),
    Signal(
        "external_call",
        "external_call",
        "MEDIUM",
        "external call",
        EXTERNAL,
        _kw(
            "requests.|httpx|aiohttp|urlopen|fetch(|axios|got(|superagent|http.|"
            "resttemplate|webclient|okhttp|httpclient|feignclient|restclient|faraday|"
            "net::http|httparty|http::|guzzle|curl_exec|boto3|@aws-sdk|grpc.|fetch (|"
            "http.client"
        ),
        code_only=True,
    ),
    Signal(
        "external_call",
        "external_call",
        "MEDIUM",
        "external call",
        JS_FETCH,
        _kw("fetch|axios|got(|superagent|ky.|undici"),
        code_only=True,
        exts=JS_EXTENSIONS,
    ),
    Signal(
        "timeout_retry",
        "external_call",
        "MEDIUM",
        "timeout/retry",
        TIMEOUT,
        _kw("timeout|retries|retry|backoff|circuitbreaker|retryable"),
    ),
    Signal(
        "concurrency",
        "concurrency",
        "MEDIUM",
        "concurrency",
        CONCURRENCY,
        _kw(
            "thread|executor|multiprocessing|asyncio|lock|for update|skip locked|sync.|go |"
            "chan |synchronized|@async|completablefuture|@version|isolation|promise.|"
            "worker_threads|atomics|mutex|setnx|concurrent::|db::transaction"
        ),
        code_only=True,
    ),
    Signal(
        "email_send",
        "external_call",
        "MEDIUM",
        "e-mail/SMS sent",
        EMAIL,
        _kw("mail|deliver_|sendgrid|mailgun|postmark|ses.send|twilio|messages.create"),
        code_only=True,
    ),
)
