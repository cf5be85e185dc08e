"""Package manager, test and build commands of the code root a change ships, with their source.

In-memory change sets: ``repo_files`` is the listing at head and ``evidence`` the texts git
reads for the repository model (see ``test_repository.py`` for real git repositories).
"""

from __future__ import annotations

import pytest

from planner.change.model import ChangedFile, ChangeSet
from planner.runtime.toolchain import detect_toolchain

SCRIPTS = '{\n  "scripts": {\n    "build": "tsc",\n    "test": "vitest run"\n  }\n}\n'
TEST_ONLY = '{\n  "scripts": {\n    "test": "jest"\n  }\n}\n'


def change(
    files: tuple[ChangedFile, ...],
    repo_files: tuple[str, ...] = (),
    evidence: dict[str, str] | None = None,
) -> ChangeSet:
    return ChangeSet(
        "git",
        files,
        repo="r",
        base="b" * 40,
        head="h" * 40,
        repo_files=repo_files,
        evidence=tuple((evidence or {}).items()),
    )


CODE = (ChangedFile("src/main.code", "modified"),)


@pytest.mark.parametrize(
    ("repo_files", "evidence", "manager", "test", "build"),
    [
        # pytest only where pytest is configured: here a conftest.py
        (
            ("uv.lock", "pyproject.toml", "conftest.py"),
            {},
            "uv",
            "uv run pytest  # from conftest.py",
            "uv sync --frozen  # from uv.lock",
        ),
        (
            ("poetry.lock", "pyproject.toml", "tests/conftest.py"),
            {},
            "poetry",
            "poetry run pytest  # from tests/conftest.py",
            "poetry install --no-interaction  # from poetry.lock",
        ),
        (
            ("requirements.txt", "pytest.ini"),
            {},
            "pip",
            "python -m pytest  # from pytest.ini",
            "python -m pip install -r requirements.txt  # from requirements.txt",
        ),
        (
            ("pyproject.toml",),
            {"pyproject.toml": "[project]\nname = 'x'\n[tool.pytest.ini_options]\n"},
            "pip",
            "python -m pytest  # from pyproject.toml",
            "python -m pip install .  # from pyproject.toml",
        ),
        # the package manager from the lock file, the commands from package.json's scripts
        (
            ("package.json", "pnpm-lock.yaml"),
            {"package.json": SCRIPTS},
            "pnpm",
            "pnpm test  # from package.json:4",
            "pnpm install --frozen-lockfile && pnpm run build  # from pnpm-lock.yaml; "
            "package.json:3",
        ),
        (
            ("package.json", "yarn.lock"),
            {"package.json": SCRIPTS},
            "yarn",
            "yarn test  # from package.json:4",
            "yarn install --frozen-lockfile && yarn run build  # from yarn.lock; package.json:3",
        ),
        # no build script: no `npm run build` that would fail with "Missing script"
        (
            ("package.json", "package-lock.json"),
            {"package.json": TEST_ONLY},
            "npm",
            "npm test  # from package.json:3",
            "npm ci  # from package-lock.json",
        ),
        (
            ("package.json",),
            {"package.json": TEST_ONLY},
            "npm",
            "npm test  # from package.json:3",
            "npm install  # from package.json",
        ),
        (
            ("go.mod", "go.sum"),
            {},
            "go",
            "go test ./...  # from go.mod",
            "go build ./...  # from go.mod",
        ),
        (
            ("pom.xml", "mvnw"),
            {},
            "maven",
            "./mvnw -B test  # from mvnw",
            "./mvnw -B package -DskipTests  # from mvnw",
        ),
        (
            ("pom.xml",),
            {},
            "maven",
            "mvn -B test  # from pom.xml",
            "mvn -B package -DskipTests  # from pom.xml",
        ),
        (
            ("build.gradle.kts", "gradlew"),
            {},
            "gradle",
            "./gradlew test  # from gradlew",
            "./gradlew build -x test  # from gradlew",
        ),
        (
            ("Gemfile", "spec/user_spec.rb"),
            {},
            "bundle",
            "bundle exec rspec  # from Gemfile",
            "bundle install  # from Gemfile",
        ),
        (
            ("Gemfile", "bin/rails"),
            {},
            "bundle",
            "bin/rails test  # from bin/rails",
            "bundle install  # from Gemfile",
        ),
    ],
)
def test_package_manager_and_commands(
    repo_files: tuple[str, ...], evidence: dict[str, str], manager: str, test: str, build: str
) -> None:
    tc = detect_toolchain(change(CODE, repo_files, evidence))
    assert (tc.package_manager, tc.test, tc.build) == (manager, test, build)


@pytest.mark.parametrize(
    "repo_files",
    [
        ("pyproject.toml", "uv.lock"),  # no pytest configured or required: not `uv run pytest`
        ("package.json",),  # no test script
        ("Gemfile",),  # neither spec/, bin/rails nor a Rakefile
    ],
)
def test_a_root_without_a_known_test_command_gets_a_marked_placeholder(
    repo_files: tuple[str, ...],
) -> None:
    tc = detect_toolchain(change(CODE, repo_files, {"package.json": "{}"}))
    assert tc.test is not None and tc.test.startswith("# fill in: the test command")


def test_the_changed_root_is_shipped_not_the_shallowest() -> None:
    files = ("go.mod", "web/package.json", "web/package-lock.json")
    evidence = {"web/package.json": TEST_ONLY}
    assert detect_toolchain(change((ChangedFile("main.go", "modified"),), files)).language == "go"
    web = detect_toolchain(change((ChangedFile("web/app.js", "modified"),), files, evidence))
    assert web.package_manager == "npm"


def test_nested_root_runs_in_a_subshell_of_its_folder() -> None:
    files = ("services/api x/package-lock.json", "services/api x/package.json")
    evidence = {"services/api x/package.json": TEST_ONLY}
    tc = detect_toolchain(
        change((ChangedFile("services/api x/index.js", "added"),), files, evidence)
    )
    # A subshell: the test and build lines are pasted one after the other, and a bare `cd` on
    # the first would make the second `cd 'services/api x'` fail.
    assert tc.test == "(cd 'services/api x' && npm test)  # from services/api x/package.json:3"
    assert tc.build == "(cd 'services/api x' && npm ci)  # from services/api x/package-lock.json"


def test_poetry_project_without_lock_is_read_from_pyproject_content() -> None:
    files = (ChangedFile("pyproject.toml", "modified", content="[tool.poetry]\nname = 'x'\n"),)
    assert detect_toolchain(change(files)).package_manager == "poetry"


def test_a_change_touching_no_code_root_has_no_commands() -> None:
    tc = detect_toolchain(change((ChangedFile("notes.txt", "added"),), ("go.mod",)))
    assert (tc.package_manager, tc.test, tc.build, tc.ships_code) == (None, None, None, False)


def test_several_roots_the_one_named_like_the_service_ships() -> None:
    files = ("api/go.mod", "worker/go.mod")
    changed = (ChangedFile("api/a.go", "modified"), ChangedFile("worker/w.go", "modified"))
    tc = detect_toolchain(change(changed, files), service="worker")
    assert tc.root is not None and tc.root.folder == "worker"
    assert [r.folder for r in tc.other_roots] == ["api"]
