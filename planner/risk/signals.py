"""What changed lines can say about a change: the content vocabulary of the risk evidence.

Each :class:`Signal` is a regex over the changed lines of a file (never the untouched rest of
it), guarded by lower-case keywords so the regex only runs on lines that can match. The table
covers the ways the common stacks spell the same thing: Django, Flask and FastAPI; Rails; Spring
(Java and Kotlin); Go; Node (JS/TS); Laravel (PHP); and the YAML, properties and ``.env``
files their settings live in. A signal names its fact ``kind`` (what :mod:`planner.plan.failures`
and :mod:`planner.plan.hazards` turn into failure modes and rollback hazards), its category and
the level it gives the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from planner.model import RiskLevel

__all__ = ["HASH_ALGORITHMS", "JS_EXTENSIONS", "SIGNALS", "Side", "Signal"]

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


def _re(*alternatives: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), flags)


_I = re.IGNORECASE

# Password hashing algorithms, as a change names them (the hash-upgrade hazard compares the
# algorithms named by the added lines with those named by the removed ones).
HASH_ALGORITHMS = re.compile(
    r"argon2(?:id|i|d)?|bcrypt|scrypt|pbkdf2|sha1|sha256|sha512|md5|crypt_blowfish", _I
)

# Function names that are authentication (``create_access_token``, ``verifyPassword``,
# ``getCurrentUser``): a change inside one (git names the enclosing function after a hunk's
# ``@@``) is an auth change even when the changed lines name nothing.
AUTH_SYMBOL = re.compile(
    r"\b(?:create|issue|generate|verify|decode|validate|refresh|revoke)_?(?:access_?|refresh_?|"
    r"auth_?|id_?|api_?|session_?|jwt_?)?tokens?\b"
    r"|\b(?:authenticate|authorize|log_?in|log_?out|sign_?in|sign_?out|check_?password"
    r"|verify_?password|hash_?password|set_?password|reset_?password"
    r"|get_?current_?(?:active_?)?(?:super)?user|has_?permission|require_?(?:login|admin|auth))"
    r"\w*\s*\(",
    re.IGNORECASE,
)
_PASSWORD_HASHING = _re(
    # Django, passlib, pwdlib
    r"\bPASSWORD_HASHERS\b",
    r"\b\w*PasswordHasher\b",
    r"\bCryptContext\s*\(",
    r"\bPasswordHash\s*\(",
    r"\b(?:Argon2|Bcrypt)Hasher\b",
    r"\b(?:make_password|check_password|set_password)\s*\(",
    r"\bgenerate_password_hash\s*\(|\bcheck_password_hash\s*\(",  # werkzeug (Flask)
    # Spring Security (Java, Kotlin)
    r"\b(?:BCrypt|Argon2|SCrypt|Pbkdf2|Delegating|StandardPassword|NoOp)?PasswordEncoder\b",
    r"\bPasswordEncoderFactories\b",
    # bcrypt / argon2 / scrypt libraries (Python, Node, Go, Ruby)
    r"\bbcrypt\.(?:hash|hashpw|gensalt|checkpw|compare|genSalt|hashSync|compareSync|"
    r"GenerateFromPassword|CompareHashAndPassword|DefaultCost)\b",
    r"\bargon2\.(?:hash|verify|IDKey|Key|argon2id)\b",
    r"\b(?:scrypt|pbkdf2)(?:Sync)?\s*\(",
    r"\bBCrypt::(?:Password|Engine)\b",
    r"\bhas_secure_password\b",
    r"\bconfig\.stretches\b|\bconfig\.pepper\b",  # Devise
    # Laravel / PHP
    r"\bHash::(?:make|check|driver)\b",
    r"\bpassword_(?:hash|verify)\s*\(",
    r"\bPASSWORD_(?:ARGON2I|ARGON2ID|BCRYPT|DEFAULT)\b",
    r"['\"]driver['\"]\s*=>\s*['\"](?:bcrypt|argon|argon2id)['\"]",
    r"\bBCRYPT_ROUNDS\b|\bHASH_DRIVER\b",
)
_REHASH = _re(
    r"\bverify_and_update\b",
    r"\bneeds_update\s*\(",
    r"\bneedsRehash\b|\bpassword_needs_rehash\b|\brehash_on_login\b",
    r"\bupgradeEncoding\b|\bUserDetailsPasswordService\b",
    r"\bcheck_password\s*\([^)]*setter",
)
_JWT = _re(
    r"\bjwt\.(?:encode|decode|sign|verify|Parse|ParseWithClaims|NewWithClaims|SigningMethod\w*)\b",
    r"\bjsonwebtoken\b|\bPyJWT\b|\bjose\b|\bjwtVerify\b|\bSignJWT\b",
    r"\bJwts\.\w+|\bJwt(?:Decoder|Encoder)\b|\bNimbusJwt\w*",
    r"\bgolang-jwt/jwt\b",
    r"\balgorithms?\s*[=:]\s*\[?\s*['\"](?:HS|RS|ES|PS)\d{3}['\"]",
    r"\b(?:SIMPLE_JWT|JWT_SECRET\w*|JWT_ALGORITHM|JWT_PUBLIC_KEY|JWT_PRIVATE_KEY)\b",
    r"\bFirebase\\JWT\b|\bJWTAuth\b",
    r"@?\bjwt_required\b",
)
_SESSION_CONFIG = _re(
    r"\bSESSION_(?:ENGINE|COOKIE_\w+|DRIVER|LIFETIME|SERIALIZER|EXPIRE_AT_BROWSER_CLOSE)\b",
    r"\bsession_store\b|\bexpress-session\b|\bcookie-session\b|\bexpressSession\s*\(",
    r"\bsecret_key_base\b|\bSECRET_KEY_BASE\b|\bapp\.secret_key\b|^\s*SECRET_KEY\s*=",
    r"\bspring\.session\.\w+|\bserver\.servlet\.session\.\w+",
    r"\bcookies\.(?:signed|encrypted)\b|\breset_session\b",
    r"\bsession\.regenerate\b|\bsessionOptions\b",
)
_OAUTH = _re(
    r"\bOAuth2?(?:Client|Session|Provider|Login|AuthorizedClient|ResourceServer|Flow|Config)\w*",
    r"\boauth2?(?:Login|Client|_client|_provider|ResourceServer)\w*|\bDoorkeeper\.configure\b",
    r"\bOIDC_\w+|\boidc\w*|\bOpenIdConnect\w*|\bopenid\b|\bSOCIAL_AUTH_\w+",
    r"\bauthlib\b|\bomniauth\w*|\bOmniAuth\b|\bpassport-[\w-]+|\bnext-auth\b|\bNextAuth\b",
    r"\bAUTHENTICATION_BACKENDS\b|\ballauth\b|\bSocialite::|\bClientRegistration\w*",
    r"\bredirect_uri\b|\bclient_secret\b|\bauthorization_code\b|\bid_token\b",
)
_AUTHZ = _re(
    # Django / DRF / Flask / FastAPI
    r"@(?:login_required|permission_required|user_passes_test|staff_member_required)\b",
    r"\b(?:permission_classes|authentication_classes)\b",
    r"\bIs(?:Authenticated|AdminUser|AuthenticatedOrReadOnly)\b",
    r"\bhas_(?:object_)?permission\s*\(",
    r"\bDepends\(\s*(?:get_current_\w+|\w*auth\w*|\w*verify\w*|\w*api_key\w*)",
    r"@\w*(?:auth|token|login|api_key)_required\b|\.login_required\b",
    r"\b(?:APIKeyHeader|HTTPBearer|HTTPBasic|HTTPTokenAuth|HTTPBasicAuth|OAuth2PasswordBearer)\b",
    r"\bcurrent_user\.is_(?:authenticated|admin|staff|superuser)\b|\bis_superuser\b",
    # Rails (Devise, Pundit, CanCanCan)
    r"\b(?:before_action|skip_before_action|prepend_before_action)\s+:(?:authenticate|authorize|"
    r"require_(?:login|user|admin|auth|permission|role|owner|signed_in|api_key|account)|"
    r"verify_(?:user|admin|auth|api_key|access|authenticity_token)|check_\w*permission)\w*",
    r"\bskip_(?:authentication|authorization)\b|\bauthorize!?\s*[(@:]|\bload_and_authorize_resource\b",
    r"\bcan\?\s*\(?:|\bpolicy_scope\b",
    # Spring Security (Java, Kotlin)
    r"@(?:PreAuthorize|PostAuthorize|Secured|RolesAllowed|EnableWebSecurity|EnableMethodSecurity)\b",
    r"\bSecurityFilterChain\b|\bHttpSecurity\b|\bauthorize(?:Http)?Requests\b",
    r"\.(?:permitAll|authenticated|hasRole|hasAnyRole|hasAuthority|denyAll)\s*\(",
    # Laravel
    r"->middleware\(\s*\[?\s*['\"](?:auth|can|verified|role|permission|abilities)",
    r"\bGate::(?:define|allows|denies|authorize|check)\b|\$this->authorize\s*\(|@can\b",
    # Node / Go
    r"\b(?:requireAuth|ensureAuthenticated|isAuthenticated|authMiddleware|verifyToken|"
    r"checkPermissions?|hasPermission|requireRole|RequireAuth|AuthRequired|authenticateToken)\b",
    r"\bpassport\.authenticate\b|\bUseGuards\s*\(|\bAuthGuard\b|\bRolesGuard\b",
    r"\bSecurityContextHolder\b|\bgetAuthentication\s*\(|@AuthenticationPrincipal\b"
    r"|\bAnonymousAuthenticationToken\b",
    r"(?i:\bx-api-key\b|\b\w*api_?key_(?:required|auth\w*)\b|"
    r"\b(?:require|verify|validate|check|authenticate)_?api_?key\w*)",
)
_SECRET_HASHED = _re(
    r"\b(?:api_?key|access_?key|token|secret)s?_(?:digest|hash|hashed|sha256)\b",
    r"\bhashed_(?:api_?key|key|token|secret)\b|\b(?:key|token)_digest\b",
    r"\b(?:apiKey|token|secret)(?:Digest|Hash)\b",
    flags=_I,
)
_ENCRYPTION = _re(
    r"\b(?:Multi)?Fernet\b",
    r"^\s*encrypts\s+:|\bActiveRecord::Encryption\b|\battr_encrypted\b",
    r"\bEncrypted\w*Field\b|\bCipher\.getInstance\b|\bAESGCM\b|\bcreateCipheriv\b",
    r"\bCrypt::(?:encrypt|decrypt)\w*|\bkms\.(?:encrypt|decrypt)\b",
    r"\b(?:ENCRYPTION_KEY|encryption_key|DATA_KEY|MASTER_KEY)\b",
)
_WEB_SECURITY = _re(
    r"\bcsrf_exempt\b|\bCSRF_\w+|\bprotect_from_forgery\b|\bskip_forgery_protection\b",
    r"\bVerifyCsrfToken\b|\.csrf\s*\(|\bcsrf\(\)\.disable",
    r"\bCORS_\w+|\ballow_origins\b|\bAccess-Control-Allow-\w+|\ballowedOrigins\b|@CrossOrigin\b",
    r"\bSECURE_\w+|\bX_FRAME_OPTIONS\b|\bALLOWED_HOSTS\b|\bcontent_security_policy\b",
    r"\bhelmet\s*\(|\bTrustProxies\b",
)
_TLS = _re(
    r"\bverify\s*=\s*False\b|\bInsecureSkipVerify\s*:\s*true\b|\brejectUnauthorized\s*:\s*false\b",
    r"\bVERIFY_NONE\b|\bTrustAll\w*|\bNoopHostnameVerifier\b|\bssl_verify\w*\s*[=:]\s*false\b",
)
_PAYMENT = _re(
    r"\bstripe\.\w+|\bStripe::\w+|\bStripeClient\b|\bPaymentIntent\w*|\bpaymentIntents\b",
    r"\.(?:charges|refunds|payouts|paymentIntents)\.create\b",
    r"\bbraintree\.\w+|\bBraintree\\\w+|\badyen\b|\bAdyen\w*|\bpaypal\w*|\bPayPal\w*",
    r"\bcheckout\.sessions?\b|->charge\s*\(|\bnewSubscription\s*\(|\bCashier\\|\bCashier::",
    r"\.capture\s*\(\s*(?:amount|payment|charge)",
)
_MONEY = _re(
    r"\b\w*_cents\b|\b\w*Cents\b|\bMoney\.new\b|\bMoney\s*\(|\bMoney\.of\b",
    r"\bBigDecimal\b.*\b(?:amount|price|balance|total|fee|tax)\w*",
    r"\bROUND_HALF_\w+|\bRoundingMode\.\w+",
    r"\b(?:amount|price|balance|subtotal|fee|tax|discount)\w*\s*(?:[*/+\-]=|=\s*[\w.()]+\s*[*/])",
    flags=0,
)
_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE\s+[\w.\"`\[\]]+\s+SET|DELETE\s+FROM|UPSERT|MERGE\s+INTO)\b"
    # not a router's .DELETE("/path") or .PUT(...) (gin, echo): HTTP verbs in capitals
    r"|\.(?!(?-i:(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\())"
    r"(?:update(?!\(\s*(?:\{|\*\*|dict\b))\s*\("
    r"|(?:save|create|insert|insert_one|insert_many|update_one|update_many|"
    r"delete|delete_one|delete_many|destroy|upsert|bulk_create|bulk_update|persist|merge|"
    r"commit|Exec|ExecContext|executeUpdate|saveAll|deleteAll|"
    r"update_all|delete_all|destroy_all|update_column|update_columns|create!|update!|"
    r"save!|destroy!|createMany|updateMany|deleteMany|findOneAndUpdate)!?\s*\()"
    r"|@Modifying\b|\bsession\.(?:add|delete|merge)\s*\(|\bsave!|\bupdate!|\bdestroy!",
    _I,
)
_BULK_WRITE = re.compile(
    r"\bUPDATE\s+[\w.\"`\[\]]+\s+SET\b(?![^;\n]*\bWHERE\b[^;\n]*\bid\s*=)|\bDELETE\s+FROM\b|\bTRUNCATE\b"
    r"|\b(?:update_all|delete_all|destroy_all|update_many|delete_many|bulk_update|"
    r"bulkUpdate|bulkDelete|updateMany|deleteMany|saveAll|deleteAll|deleteAllInBatch)\b"
    r"|\.objects(?:\.\w+\([^)]*\))*\.(?:update|delete)\s*\(",
    _I,
)
_UNIQUE = _re(
    r"\bunique\s*=\s*True\b|\bunique:\s*true\b|\bunique\s*=\s*true\b|->unique\s*\(",
    r"\bunique_together\b|\bUniqueConstraint\b|\buniqueConstraints\b|@@?unique\b",
    r"\bCREATE\s+UNIQUE\s+INDEX\b|\bADD\s+CONSTRAINT\s+\w+\s+UNIQUE\b|\buniqueIndex\b",
    r"\.unique\s*\(\s*\)|\bvalidates_uniqueness_of\b|\buniqueness:\s*true\b",
    flags=_I,
)
_EXTERNAL = _re(
    r"\brequests\.(?:get|post|put|patch|delete|request|Session)\b|\bhttpx\.\w+|\baiohttp\b",
    r"\burlopen\s*\(",
    r"\bhttp\.(?:Get|Post|NewRequest\w*|DefaultClient)\b|&http\.Client\b",
    r"\bRestTemplate\b|\bWebClient\b|\bOkHttp\w*|\bHttpClient\b|@FeignClient\b|\bRestClient\b",
    r"\bFaraday\b|\bNet::HTTP\b|\bHTTParty\b|\bHttp::(?:get|post|put|withToken|acceptJson|retry)\b",
    r"\bGuzzle\w*|\bcurl_exec\b|\bboto3\.client\b|@aws-sdk/\w+|\bgrpc\.\w+",
)
_JS_FETCH = _re(
    r"(?<![.\w])fetch\s*\(\s*[`'\"\w]|\baxios(?:\.\w+)?\s*\(|(?<![.\w])got\s*\(|\bsuperagent\b",
    r"\bky\.(?:get|post|put|patch|delete)\b|\bundici\b",
)
_TIMEOUT = _re(
    r"\btimeout\w*\s*[=:]\s*[\d(]|\bTimeout\s*\(|\bsetTimeout\s*\(\s*\d|\bWithTimeout\b",
    r"\bmax_retries\b|\bretries\s*[=:]|\bbackoff\w*|\bCircuitBreaker\w*|@Retryable\b",
    flags=_I,
)
_CONCURRENCY = _re(
    r"\bthreading\.\w+|\bThread\s*\(|\b(?:Thread|Process)PoolExecutor\b|\bmultiprocessing\b",
    r"\basyncio\.(?:gather|create_task|Lock|Semaphore|wait)\b|\b(?:R)?Lock\(\)",
    r"\bselect_for_update\b|\bFOR\s+UPDATE\b|\bSKIP\s+LOCKED\b|\bwith_lock\b|\block!|"
    r"\badvisory_lock\w*|\bpg_advisory\w*|\blockForUpdate\b|\bsharedLock\b",
    r"\bsync\.(?:Mutex|RWMutex|WaitGroup|Once|Map)\b|^\s*go\s+(?:func\b|\w+\()|\bchan\s+\w",
    r"\bsynchronized\b|\bReentrantLock\b|@Async\b|\bCompletableFuture\b|\bExecutorService\b",
    r"\bLockModeType\.\w+|@Lock\s*\(|@Version\b|\bisolation\s*=",
    r"\bPromise\.(?:all|race|any)\b|\bworker_threads\b|\bAtomics\.\w+|\bMutex\b",
    r"\b[Rr]edlock\b|\bSETNX\b|\bsetnx\b|\bConcurrent::\w+|\bThread\.new\b|\bDB::transaction\b",
)
_EMAIL = _re(
    r"\bsend_(?:mass_)?mail\s*\(|\bEmail(?:Message|MultiAlternatives)\b|\bdeliver_(?:now|later)\b",
    r"\bMail::(?:to|send|queue)\b|\bsendMail\s*\(|\bnodemailer\b|\bJavaMailSender\b",
    r"\bmailSender\.send\b|\bsmtp\.SendMail\b|\bsendgrid\b|\bmailgun\b|\bpostmark\b",
    r"\bses\.send\w*|\btwilio\b|\bmessages\.create\s*\(",
    flags=_I,
)

SIGNALS: tuple[Signal, ...] = (
    Signal(
        "password_hashing",
        "auth",
        "HIGH",
        "password hashing",
        _PASSWORD_HASHING,
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
        _REHASH,
        _kw(
            "verify_and_update|needs_update|rehash|upgradeencoding|setter|"
            "userdetailspasswordservice"
        ),
    ),
    Signal("jwt", "auth", "HIGH", "JWT", _JWT, _kw("jwt|jose|hs256|rs256|es256")),
    Signal(
        "session_config",
        "auth",
        "HIGH",
        "session handling",
        _SESSION_CONFIG,
        _kw("session|secret_key|cookies."),
    ),
    Signal(
        "oauth",
        "auth",
        "HIGH",
        "OAuth/OIDC",
        _OAUTH,
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
        _AUTHZ,
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
        _AUTHZ,
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
        _SECRET_HASHED,
        _kw("digest|hash"),
    ),
    Signal(
        "encryption",
        "auth",
        "HIGH",
        "encryption",
        _ENCRYPTION,
        _kw("fernet|encrypt|cipher|aesgcm|kms.|_key"),
    ),
    Signal(
        "web_security",
        "auth",
        "HIGH",
        "web security setting",
        _WEB_SECURITY,
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
        _TLS,
        _kw("verify|insecure|rejectunauthorized|trustall|hostnameverifier"),
    ),
    Signal(
        "payment_call",
        "payments",
        "HIGH",
        "payment provider call",
        _PAYMENT,
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
        _MONEY,
        _kw("cents|money|bigdecimal|round|amount|price|balance|fee|tax|discount"),
        code_only=True,
    ),
    Signal(
        "bulk_write",
        "data_write",
        "HIGH",
        "bulk data write",
        _BULK_WRITE,
        _kw("update|delete|truncate|saveall|bulk|many|batch"),
        code_only=True,
    ),
    Signal(
        "data_write",
        "data_write",
        "MEDIUM",
        "data write",
        _WRITE,
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
        _UNIQUE,
        _kw("unique"),
    ),
    Signal(
        "external_call",
        "external_call",
        "MEDIUM",
        "external call",
        _EXTERNAL,
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
        _JS_FETCH,
        _kw("fetch|axios|got(|superagent|ky.|undici"),
        code_only=True,
        exts=JS_EXTENSIONS,
    ),
    Signal(
        "timeout_retry",
        "external_call",
        "MEDIUM",
        "timeout/retry",
        _TIMEOUT,
        _kw("timeout|retries|retry|backoff|circuitbreaker|retryable"),
    ),
    Signal(
        "concurrency",
        "concurrency",
        "MEDIUM",
        "concurrency",
        _CONCURRENCY,
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
        _EMAIL,
        _kw("mail|deliver_|sendgrid|mailgun|postmark|ses.send|twilio|messages.create"),
        code_only=True,
    ),
)
