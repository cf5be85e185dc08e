"""The regexes of the content signals: how Django, Flask, FastAPI, Rails, Spring (Java and
Kotlin), Go, Node (JS/TS) and Laravel (PHP) code and their settings files spell password
hashing, tokens, sessions, authorization checks, encryption, money, writes, external calls,
concurrency and e-mail. :mod:`planner.risk.facts.signals` gives each a kind, a level and keywords.
"""

from __future__ import annotations

import re

__all__ = [
    "AUTHZ",
    "AUTH_SYMBOL",
    "BULK_WRITE",
    "CONCURRENCY",
    "EMAIL",
    "ENCRYPTION",
    "EXTERNAL",
    "HASH_ALGORITHMS",
    "JS_FETCH",
    "JWT",
    "MONEY",
    "OAUTH",
    "PASSWORD_HASHING",
    "PAYMENT",
    "REHASH",
    "SECRET_HASHED",
    "SESSION_CONFIG",
    "TIMEOUT",
    "TLS",
    "UNIQUE",
    "WEB_SECURITY",
    "WRITE",
]


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
    # a call or definition, or a name bound to a function (JS arrow functions)
    r"\w*\s*(?:\(|=\s*(?:async\s*)?(?:\(|function\b))",
    re.IGNORECASE,
)
PASSWORD_HASHING = _re(
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
REHASH = _re(
    r"\bverify_and_update\b",
    r"\bneeds_update\s*\(",
    r"\bneedsRehash\b|\bpassword_needs_rehash\b|\brehash_on_login\b",
    r"\bupgradeEncoding\b|\bUserDetailsPasswordService\b",
    r"\bcheck_password\s*\([^)]*setter",
)
JWT = _re(
    r"\bjwt\.(?:encode|decode|sign|verify|Parse|ParseWithClaims|NewWithClaims|SigningMethod\w*)\b",
    r"\bjsonwebtoken\b|\bPyJWT\b|\bjose\b|\bjwtVerify\b|\bSignJWT\b",
    r"\bJwts\.\w+|\bJwt(?:Decoder|Encoder)\b|\bNimbusJwt\w*",
    r"\bgolang-jwt/jwt\b",
    r"\balgorithms?\s*[=:]\s*\[?\s*['\"](?:HS|RS|ES|PS)\d{3}['\"]",
    r"\b(?:SIMPLE_JWT|JWT_SECRET\w*|JWT_ALGORITHM|JWT_PUBLIC_KEY|JWT_PRIVATE_KEY)\b",
    r"\bFirebase\\JWT\b|\bJWTAuth\b",
    r"@?\bjwt_required\b",
)
SESSION_CONFIG = _re(
    r"\bSESSION_(?:ENGINE|COOKIE_\w+|DRIVER|LIFETIME|SERIALIZER|EXPIRE_AT_BROWSER_CLOSE)\b",
    r"\bsession_store\b|\bexpress-session\b|\bcookie-session\b|\bexpressSession\s*\(",
    r"\bsecret_key_base\b|\bSECRET_KEY_BASE\b|\bapp\.secret_key\b|^\s*SECRET_KEY\s*=",
    r"\bspring\.session\.\w+|\bserver\.servlet\.session\.\w+",
    r"\bcookies\.(?:signed|encrypted)\b|\breset_session\b",
    r"\bsession\.regenerate\b|\bsessionOptions\b",
)
OAUTH = _re(
    r"\bOAuth2?(?:Client|Session|Provider|Login|AuthorizedClient|ResourceServer|Flow|Config)\w*",
    r"\boauth2?(?:Login|Client|_client|_provider|ResourceServer)\w*|\bDoorkeeper\.configure\b",
    r"\bOIDC_\w+|\boidc\w*|\bOpenIdConnect\w*|\bopenid\b|\bSOCIAL_AUTH_\w+",
    r"\bauthlib\b|\bomniauth\w*|\bOmniAuth\b|\bpassport-[\w-]+|\bnext-auth\b|\bNextAuth\b",
    r"\bAUTHENTICATION_BACKENDS\b|\ballauth\b|\bSocialite::|\bClientRegistration\w*",
    r"\bredirect_uri\b|\bclient_secret\b|\bauthorization_code\b|\bid_token\b",
)
AUTHZ = _re(
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
    # (not @AuthenticationPrincipal: it only hands a handler the signed-in user)
    r"\bSecurityContextHolder\b|\bgetAuthentication\s*\(|\bAnonymousAuthenticationToken\b",
    r"(?i:\bx-api-key\b|\b\w*api_?key_(?:required|auth\w*)\b|"
    r"\b(?:require|verify|validate|check|authenticate)_?api_?key\w*)",
)
SECRET_HASHED = _re(
    r"\b(?:api_?key|access_?key|token|secret)s?_(?:digest|hash|hashed|sha256)\b",
    r"\bhashed_(?:api_?key|key|token|secret)\b|\b(?:key|token)_digest\b",
    r"\b(?:apiKey|token|secret)(?:Digest|Hash)\b",
    flags=_I,
)
ENCRYPTION = _re(
    r"\b(?:Multi)?Fernet\b",
    r"^\s*encrypts\s+:|\bActiveRecord::Encryption\b|\battr_encrypted\b",
    r"\bEncrypted\w*Field\b|\bCipher\.getInstance\b|\bAESGCM\b|\bcreateCipheriv\b",
    r"\bCrypt::(?:encrypt|decrypt)\w*|\bkms\.(?:encrypt|decrypt)\b",
    r"\b(?:ENCRYPTION_KEY|encryption_key|DATA_KEY|MASTER_KEY)\b",
)
WEB_SECURITY = _re(
    r"\bcsrf_exempt\b|\bCSRF_\w+|\bprotect_from_forgery\b|\bskip_forgery_protection\b",
    r"\bVerifyCsrfToken\b|\.csrf\s*\(|\bcsrf\(\)\.disable",
    r"\bCORS_\w+|\ballow_origins\b|\bAccess-Control-Allow-\w+|\ballowedOrigins\b|@CrossOrigin\b",
    r"\bSECURE_\w+|\bX_FRAME_OPTIONS\b|\bALLOWED_HOSTS\b|\bcontent_security_policy\b",
    r"\bhelmet\s*\(|\bTrustProxies\b",
)
TLS = _re(
    r"\bverify\s*=\s*False\b|\bInsecureSkipVerify\s*:\s*true\b|\brejectUnauthorized\s*:\s*false\b",
    r"\bVERIFY_NONE\b|\bTrustAll\w*|\bNoopHostnameVerifier\b|\bssl_verify\w*\s*[=:]\s*false\b",
)
PAYMENT = _re(
    r"\bstripe\.\w+|\bStripe::\w+|\bStripeClient\b|\bPaymentIntent\w*|\bpaymentIntents\b",
    r"\.(?:charges|refunds|payouts|paymentIntents)\.create\b",
    r"\bbraintree\.\w+|\bBraintree\\\w+|\badyen\b|\bAdyen\w*|\bpaypal\w*|\bPayPal\w*",
    r"\bcheckout\.sessions?\b|->charge\s*\(|\bnewSubscription\s*\(|\bCashier\\|\bCashier::",
    r"\.capture\s*\(\s*(?:amount|payment|charge)",
)
MONEY = _re(
    r"\b\w*_cents\b|\b\w*Cents\b|\bMoney\.new\b|\bMoney\s*\(|\bMoney\.of\b",
    r"\bBigDecimal\b.*\b(?:amount|price|balance|total|fee|tax)\w*",
    r"\bROUND_HALF_\w+|\bRoundingMode\.\w+",
    r"\b(?:amount|price|balance|subtotal|fee|tax|discount)\w*\s*(?:[*/+\-]=|=\s*[\w.()]+\s*[*/])",
    flags=0,
)
WRITE = re.compile(
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
BULK_WRITE = re.compile(
    r"\bUPDATE\s+[\w.\"`\[\]]+\s+SET\b(?![^;\n]*\bWHERE\b[^;\n]*\bid\s*=)|\bDELETE\s+FROM\b|\bTRUNCATE\b"
    r"|\b(?:update_all|delete_all|destroy_all|update_many|delete_many|bulk_update|"
    r"bulkUpdate|bulkDelete|updateMany|deleteMany|saveAll|deleteAll|deleteAllInBatch)\b"
    r"|\.objects(?:\.\w+\([^)]*\))*\.(?:update|delete)\s*\(",
    _I,
)
UNIQUE = _re(
    r"\bunique\s*=\s*True\b|\bunique:\s*true\b|\bunique\s*=\s*true\b|->unique\s*\(",
    r"\bunique_together\b|\bUniqueConstraint\b|\buniqueConstraints\b|@@?unique\b",
    r"\bCREATE\s+UNIQUE\s+INDEX\b|\bADD\s+CONSTRAINT\s+\w+\s+UNIQUE\b|\buniqueIndex\b",
    r"\.unique\s*\(\s*\)|\bvalidates_uniqueness_of\b|\buniqueness:\s*true\b",
    flags=_I,
)
EXTERNAL = _re(
    r"\brequests\.(?:get|post|put|patch|delete|request|Session)\b|\bhttpx\.\w+|\baiohttp\b",
    r"\burlopen\s*\(",
    r"\bhttp\.(?:Get|Post|NewRequest\w*|DefaultClient)\b|&http\.Client\b",
    r"\bRestTemplate\b|\bWebClient\b|\bOkHttp\w*|\bHttpClient\b|@FeignClient\b|\bRestClient\b",
    r"\bFaraday\b|\bNet::HTTP\b|\bHTTParty\b|\bHttp::(?:get|post|put|withToken|acceptJson|retry)\b",
    r"\bGuzzle\w*|\bcurl_exec\b|\bboto3\.client\b|@aws-sdk/\w+|\bgrpc\.\w+",
)
JS_FETCH = _re(
    r"(?<![.\w])fetch\s*\(\s*[`'\"\w]|\baxios(?:\.\w+)?\s*\(|(?<![.\w])got\s*\(|\bsuperagent\b",
    r"\bky\.(?:get|post|put|patch|delete)\b|\bundici\b",
)
TIMEOUT = _re(
    r"\btimeout\w*\s*[=:]\s*[\d(]|\bTimeout\s*\(|\bsetTimeout\s*\(\s*\d|\bWithTimeout\b",
    r"\bmax_retries\b|\bretries\s*[=:]|\bbackoff\w*|\bCircuitBreaker\w*|@Retryable\b",
    flags=_I,
)
CONCURRENCY = _re(
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
EMAIL = _re(
    r"\bsend_(?:mass_)?mail\s*\(|\bEmail(?:Message|MultiAlternatives)\b|\bdeliver_(?:now|later)\b",
    r"\bMail::(?:to|send|queue)\b|\bsendMail\s*\(|\bnodemailer\b|\bJavaMailSender\b",
    r"\bmailSender\.send\b|\bsmtp\.SendMail\b|\bsendgrid\b|\bmailgun\b|\bpostmark\b",
    r"\bses\.send\w*|\btwilio\b|\bmessages\.create\s*\(",
    flags=_I,
)
