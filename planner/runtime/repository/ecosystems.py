"""What each ecosystem's manifests, lock files, test and build commands look like.

Tables only: the manifest file names that make a folder a code root, the lock file that names the
package manager, the patterns that recognise a test or build command of the ecosystem in a CI
line or script, and the conventional commands used when the repository's own files name none
(each then cites the manifest or lock file it follows from).
"""

from __future__ import annotations

import re

__all__ = [
    "BUILD",
    "COMPILED",
    "INSTALL",
    "LOCKS",
    "MANIFESTS",
    "PRECEDENCE",
    "TEST",
    "ecosystem_of",
]

# manifest file name -> ecosystem
MANIFESTS: dict[str, str] = {
    "Gemfile": "ruby",
    "mix.exs": "elixir",
    "composer.json": "php",
    "pom.xml": "java",
    "build.gradle": "java",
    "build.gradle.kts": "java",
    "go.mod": "go",
    "Cargo.toml": "rust",
    "pyproject.toml": "python",
    "setup.py": "python",
    "requirements.txt": "python",
    "Pipfile": "python",
    "manage.py": "python",
    "package.json": "node",
}
_SUFFIXES = {".csproj": "dotnet", ".fsproj": "dotnet"}

# at one folder the first ecosystem listed is the application; a package.json beside a Gemfile
# or composer.json holds the assets or lint tooling of that application.
PRECEDENCE = ("ruby", "elixir", "php", "java", "go", "rust", "dotnet", "python", "node")

# lock file -> (ecosystem, package manager); the manager otherwise defaults per ecosystem
LOCKS: dict[str, tuple[str, str]] = {
    "uv.lock": ("python", "uv"),
    "poetry.lock": ("python", "poetry"),
    "Pipfile.lock": ("python", "pipenv"),
    "pnpm-lock.yaml": ("node", "pnpm"),
    "yarn.lock": ("node", "yarn"),
    "bun.lockb": ("node", "bun"),
    "bun.lock": ("node", "bun"),
    "package-lock.json": ("node", "npm"),
}

# ecosystems whose artefact is compiled or packaged: configuration inside it needs a rebuild
COMPILED = frozenset({"java", "elixir", "rust", "go", "dotnet"})

_RUN = r"(?:^|\s)"
TEST: dict[str, re.Pattern[str]] = {
    "python": re.compile(
        _RUN + r"(?:manage\.py\s+test\b|pytest\b|-m\s+(?:pytest|unittest)\b|tox\b|nox\b)"
    ),
    "ruby": re.compile(_RUN + r"(?:(?:bin/)?rails\s+test\b|rspec\b|rake\s+(?:test|spec)\b)"),
    "node": re.compile(
        _RUN + r"(?:(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test\b|vitest\b|jest\b|mocha\b)"
    ),
    "go": re.compile(_RUN + r"go\s+test\b"),
    "java": re.compile(_RUN + r"(?:\./)?(?:gradlew|gradle|mvnw|mvn)\b.*\s(?:test|check|verify)\b"),
    "rust": re.compile(_RUN + r"cargo\s+(?:test|nextest)\b"),
    "php": re.compile(
        _RUN
        + r"(?:\S*phpunit\b|\S*pest\b|artisan\s+test\b|composer\s+(?:run(?:-script)?\s+)?test\b)"
    ),
    "elixir": re.compile(_RUN + r"mix\s+test\b"),
    "dotnet": re.compile(_RUN + r"dotnet\s+test\b"),
}
BUILD: dict[str, re.Pattern[str]] = {
    "python": re.compile(_RUN + r"(?:-m\s+build\b|uv\s+build\b|poetry\s+build\b)"),
    "ruby": re.compile(_RUN + r"rails\s+assets:precompile\b"),
    "node": re.compile(_RUN + r"(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?build\b"),
    "go": re.compile(_RUN + r"go\s+build\b"),
    "java": re.compile(
        _RUN + r"(?:\./)?(?:gradlew|gradle|mvnw|mvn)\b.*\s(?:build|assemble|bootJar|package)\b"
    ),
    "rust": re.compile(_RUN + r"cargo\s+build\b"),
    "php": re.compile(r"(?!)"),  # composer install is the install step itself
    "elixir": re.compile(_RUN + r"mix\s+(?:compile|release)\b"),
    "dotnet": re.compile(_RUN + r"dotnet\s+(?:build|publish)\b"),
}

# package manager -> its install command (the lock file or manifest is the evidence)
INSTALL: dict[str, str] = {
    "uv": "uv sync --frozen",
    "poetry": "poetry install --no-interaction",
    "pipenv": "pipenv sync",
    "pnpm": "pnpm install --frozen-lockfile",
    "yarn": "yarn install --frozen-lockfile",
    "bun": "bun install --frozen-lockfile",
    "npm": "npm ci",
    "npm-nolock": "npm install",
    "bundle": "bundle install",
    "composer": "composer install --no-dev --optimize-autoloader",
    "mix": "mix deps.get",
}


def ecosystem_of(name: str) -> str | None:
    """The ecosystem a manifest file name belongs to, else ``None``."""
    if name in MANIFESTS:
        return MANIFESTS[name]
    for suffix, eco in _SUFFIXES.items():
        if name.endswith(suffix):
            return eco
    return None
