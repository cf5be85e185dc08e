"""The repository model on small real git repositories laid out like real public projects.

Each layout names the public repository it copies (files trimmed to what the planner reads;
the CI lines are the projects' own). The change is read with real git, as `plan --repo` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.gitrepo import commit, git, make_repo

from planner.change.git import read_git_change
from planner.change.model import ChangedFile, ChangeSet
from planner.runtime.repository.model import Repository, build_repository
from planner.runtime.toolchain import detect_toolchain

# maybe-finance/maybe: a Rails app whose package.json only holds biome lint scripts; CI runs
# `bin/rails test` (.github/workflows/ci.yml).
RAILS_CI = """name: CI
on:
  workflow_call:
jobs:
  lint_js:
    runs-on: ubuntu-latest
    steps:
      - name: Install dependencies
        run: npm install
      - name: Lint/Format js code
        run: npm run lint
  test:
    runs-on: ubuntu-latest
    steps:
      - name: DB setup and smoke test
        run: |
          bin/rails db:create
          bin/rails db:schema:load
      - name: Unit and integration tests
        run: bin/rails test
      - name: System tests
        run: DISABLE_PARALLELIZATION=true bin/rails test:system
"""
RAILS = {
    "Gemfile": "source 'https://rubygems.org'\ngem 'rails'\n",
    "Gemfile.lock": "GEM\n",
    "bin/rails": "#!/usr/bin/env ruby\n",
    "config/application.rb": "module Maybe\n  class Application < Rails::Application\n  end\nend\n",
    "config/environments/production.rb": "Rails.application.configure do\nend\n",
    "app/controllers/settings/profiles_controller.rb": "class Settings::ProfilesController\nend\n",
    "test/models/user_test.rb": "class UserTest\nend\n",
    "package.json": '{\n  "devDependencies": {"@biomejs/biome": "^1.9.3"},\n  "scripts": {\n'
    '    "lint": "biome lint",\n    "format": "biome format --write"\n  }\n}\n',
    "package-lock.json": "{}\n",
    "Dockerfile": "FROM ruby:3.4\nCOPY . .\n",
    ".github/workflows/ci.yml": RAILS_CI,
}

# healthchecks/healthchecks: Django, tested with `python manage.py test` (tests.yml), no pytest;
# the image is built from docker/Dockerfile with the repository root as context.
DJANGO_TESTS = """name: Tests
on: [push]
jobs:
    test:
        runs-on: ubuntu-latest
        steps:
            - name: Install Dependencies
              run: |
                  python -m pip install --upgrade pip
                  pip install -r requirements.txt -r requirements-dev.txt
            - name: Run Tests
              env:
                  SECRET_KEY: dummy-key
              run: python manage.py test
"""
DJANGO_PUBLISH = """name: Publish
on: [push]
jobs:
    push:
        runs-on: ubuntu-latest
        steps:
            - name: Build and push
              uses: docker/build-push-action@v7
              with:
                  context: .
                  file: docker/Dockerfile
                  push: true
"""
DJANGO = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "hc.settings")\n',
    "requirements.txt": "Django==5.2\n",
    "requirements-dev.txt": "mypy\n",
    "hc/__init__.py": "",
    "hc/settings.py": "import os\n\ndef envbool(s):\n    return os.getenv(s) == 'True'\n\n"
    "INSTALLED_APPS = ('hc.api',)\nDEBUG = envbool('DEBUG')\n",
    "hc/api/views.py": "def index(request):\n    return None\n",
    "hc/api/tests/test_views.py": "from django.test import TestCase\n",
    "docker/Dockerfile": "FROM python:3.14\nCOPY requirements.txt /tmp\nCOPY . /opt/hc/\n",
    ".github/workflows/tests.yml": DJANGO_TESTS,
    ".github/workflows/publish_docker_image.yml": DJANGO_PUBLISH,
}


def repo_with(tmp_path: Path, files: dict[str, str], change: dict[str, str | None]) -> ChangeSet:
    repo = make_repo(tmp_path, files)
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, change, "change")
    return read_git_change(str(repo), base, "HEAD")


def test_rails_app_with_a_lint_only_package_json_is_a_rails_app(tmp_path: Path) -> None:
    cs = repo_with(tmp_path, RAILS, {"app/models/user.rb": "class User\nend\n"})
    tc = detect_toolchain(cs)
    assert (tc.language, tc.package_manager) == ("ruby", "bundle")
    # the CI's own unit-test line (not `test:system`, not npm), with its file and line
    assert tc.test == "bin/rails test  # from .github/workflows/ci.yml:20"
    assert tc.build == "bundle install  # from Gemfile"
    assert "npm" not in (tc.test or "") + (tc.build or "")


def test_django_project_tests_with_manage_py_and_builds_its_ci_image(tmp_path: Path) -> None:
    cs = repo_with(tmp_path, DJANGO, {"hc/api/views.py": "def index(request):\n    return 1\n"})
    tc = detect_toolchain(cs)
    assert tc.test == "python manage.py test  # from .github/workflows/tests.yml:14"
    assert "pytest" not in (tc.test or "")
    assert tc.image is not None
    assert (tc.image.dockerfile, tc.image.context) == ("docker/Dockerfile", "")
    assert tc.image.source == ".github/workflows/publish_docker_image.yml:8"


def test_readme_only_change_touches_no_code_root(tmp_path: Path) -> None:
    cs = repo_with(tmp_path, DJANGO, {"README.md": "# hc\n"})
    tc = detect_toolchain(cs)
    assert not tc.ships_code and tc.test is None and tc.build is None


# GoogleCloudPlatform/microservices-demo: no root manifest; one folder per service with its own
# Dockerfile; terraform/, helm-chart/ (chart onlineboutique), kustomize/ with components.
DEMO = {
    "README.md": "# Online Boutique\n",
    "src/frontend/go.mod": "module frontend\n",
    "src/frontend/main.go": "package main\n",
    "src/frontend/Dockerfile": "FROM golang\n",
    "src/currencyservice/package.json": '{"scripts": {"test": "echo \\"Error: no test '
    'specified\\" && exit 1"}}\n',
    "src/currencyservice/package-lock.json": "{}\n",
    "src/currencyservice/server.js": "1\n",
    "src/currencyservice/Dockerfile": "FROM node\n",
    "src/cartservice/src/cartservice.csproj": "<Project/>\n",
    "src/cartservice/src/Startup.cs": "class S {}\n",
    "src/cartservice/src/Dockerfile": "FROM dotnet\n",
    "terraform/main.tf": 'resource "google_container_cluster" "demo" {\n  name = "demo"\n}\n',
    "terraform/providers.tf": "terraform {\n  required_providers {\n    google = {\n"
    '      version = "6.1.0"\n    }\n  }\n}\n',
    "terraform/.terraform.lock.hcl": 'provider "registry.terraform.io/hashicorp/google" {}\n',
    "helm-chart/Chart.yaml": "apiVersion: v2\nname: onlineboutique\nversion: 0.10.6\n",
    "helm-chart/values.yaml": "frontend:\n  replicas: 1\n",
    "helm-chart/templates/frontend.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
    "kustomize/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\n"
    "kind: Kustomization\nresources:\n- base\n",
    "kustomize/base/kustomization.yaml": "kind: Kustomization\nresources:\n- frontend.yaml\n",
    "kustomize/base/frontend.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
    "kustomize/components/memorystore/kustomization.yaml": "apiVersion: "
    "kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: []\n",
    ".github/workflows/ci-pr.yaml": """name: ci
on: [pull_request]
jobs:
  code-tests:
    runs-on: ubuntu-latest
    steps:
    - name: Go Unit Tests
      run: |
        for GO_PACKAGE in "shippingservice" "frontend"; do
          pushd src/$GO_PACKAGE
          go test
          popd
        done
    - name: C# Unit Tests
      run: |
        dotnet test src/cartservice/
""",
    ".github/workflows/helm-chart-ci.yaml": """name: helm
on: [pull_request]
jobs:
  helm:
    runs-on: ubuntu-latest
    steps:
      - run: |
          cd helm-chart/
          helm lint --strict
""",
}


def demo_repository(tmp_path: Path, change: dict[str, str | None]) -> Repository:
    return build_repository(repo_with(tmp_path, DEMO, change))


def test_each_service_folder_is_a_root_with_its_own_dockerfile(tmp_path: Path) -> None:
    repo = demo_repository(tmp_path, {"src/frontend/main.go": "package main\n// x\n"})
    roots = {r.folder: r for r in repo.roots}
    assert set(roots) == {"src/frontend", "src/currencyservice", "src/cartservice/src"}
    front = roots["src/frontend"]
    assert (
        front.test.line() == "(cd src/frontend && go test)  # from .github/workflows/ci-pr.yaml:11"
    )
    assert front.image is not None and front.image.context == "src/frontend"
    # the CI names the folder above the project: its own line, run from the root
    assert roots["src/cartservice/src"].test.line() == (
        "dotnet test src/cartservice/  # from .github/workflows/ci-pr.yaml:16"
    )
    # npm's default "no test specified" stub is not a test suite
    assert roots["src/currencyservice"].test.is_placeholder
    assert [r.folder for r in repo.touched_roots()] == ["src/frontend"]


def test_infrastructure_changes_belong_to_their_units_not_to_a_service(tmp_path: Path) -> None:
    repo = demo_repository(
        tmp_path,
        {
            "README.md": "# Online Boutique v2\n",
            "terraform/main.tf": 'resource "google_container_cluster" "demo" {\n  name = "d2"\n}\n',
            "helm-chart/values.yaml": "frontend:\n  replicas: 2\n",
            "kustomize/components/memorystore/kustomization.yaml": "kind: Component\n"
            "patches: [a]\n",
        },
    )
    assert repo.touched_roots() == ()
    units = {u.kind: (u.folder, u.target) for u, _ in repo.touched_infra}
    assert units == {
        "terraform": ("terraform", "terraform"),
        "helm": ("helm-chart", "helm-chart"),
        # a Component cannot be applied alone: the Kustomization above it is
        "kustomize": ("kustomize/components/memorystore", "kustomize"),
    }
    assert repo.elsewhere == ("README.md",)


def test_no_recognisable_root_gets_marked_placeholders() -> None:
    cs = ChangeSet("manifest", (ChangedFile("src/app.py", "modified"),))
    tc = detect_toolchain(cs)
    assert tc.ships_code
    assert tc.test is not None and tc.test.startswith("# fill in: ")
    assert tc.build is not None and tc.build.startswith("# fill in: ")


@pytest.mark.parametrize(
    ("files", "test", "build"),
    [
        # gothinkster/spring-boot-realworld-example-app: Gradle wrapper, CI `./gradlew clean test`
        (
            {
                "build.gradle": "plugins { id 'org.springframework.boot' }\n",
                "gradlew": "#!/bin/sh\n",
                "settings.gradle": "rootProject.name = 'x'\n",
                ".github/workflows/gradle.yml": "on: [push]\njobs:\n  build:\n    runs-on: x\n"
                "    steps:\n    - name: Test with Gradle\n      run: ./gradlew clean test\n",
            },
            "./gradlew clean test  # from .github/workflows/gradle.yml:7",
            "./gradlew build -x test  # from gradlew",
        ),
        # umami-software/umami: pnpm, CI runs `pnpm test` and `pnpm build`
        (
            {
                "package.json": '{\n  "scripts": {\n    "build": "next build",\n'
                '    "test": "vitest run"\n  }\n}\n',
                "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
                ".github/workflows/ci.yml": "on: [push]\njobs:\n  build:\n    runs-on: x\n"
                "    steps:\n      - run: pnpm install\n      - run: pnpm test\n"
                "      - run: pnpm build\n",
            },
            "pnpm test  # from .github/workflows/ci.yml:7",
            "pnpm install --frozen-lockfile && pnpm build  # from pnpm-lock.yaml; "
            ".github/workflows/ci.yml:8",
        ),
        # openfga/openfga: Go with a Makefile; CI runs `make test-unit`
        (
            {
                "go.mod": "module github.com/openfga/openfga\n",
                "Makefile": "build: ## Build\n\t@go build ./cmd/openfga\n\n"
                "test-unit: ## Unit tests\n\t@go test ./...\n",
                ".github/workflows/pull_request.yaml": "on: [pull_request]\njobs:\n  t:\n"
                "    runs-on: x\n    steps:\n      - name: Run unit tests\n"
                "        run: make test-unit\n",
            },
            "make test-unit  # from .github/workflows/pull_request.yaml:7",
            "make build  # from Makefile:1",
        ),
        # lldap/lldap: a Cargo workspace; `${{ }}` words cannot run outside GitHub
        (
            {
                "Cargo.toml": "[workspace]\nmembers = ['server', 'app']\n",
                "server/Cargo.toml": "[package]\nname = 'lldap'\n",
                "app/Cargo.toml": "[package]\nname = 'lldap_app'\n",
                ".github/workflows/rust.yml": "on: [push]\njobs:\n  test:\n    runs-on: x\n"
                "    steps:\n      - name: Run tests\n"
                "        run: cargo +${{steps.toolchain.outputs.name}} test --verbose"
                " --workspace\n",
            },
            "cargo test --verbose --workspace  # from .github/workflows/rust.yml:7",
            "cargo build --release  # from Cargo.toml",
        ),
        # hexpm/hexpm: Phoenix; CI `mix test`
        (
            {
                "mix.exs": "defmodule Hexpm.MixProject do\nend\n",
                "mix.lock": "%{}\n",
                "config/config.exs": "import Config\n",
                ".github/workflows/main.yml": "on: [push]\njobs:\n  test:\n    runs-on: x\n"
                "    steps:\n      - name: Run tests\n        run: mix test\n",
            },
            "mix test  # from .github/workflows/main.yml:7",
            "mix deps.get && mix compile  # from mix.exs",
        ),
        # koel/koel: Laravel; CI `composer test` (a composer.json script)
        (
            {
                "composer.json": '{\n  "scripts": {\n    "test": "phpunit"\n  }\n}\n',
                "artisan": "#!/usr/bin/env php\n",
                "phpunit.xml.dist": "<phpunit/>\n",
                ".gitlab-ci.yml": "test:\n  script:\n    - composer install\n    - composer test\n",
            },
            "composer test  # from .gitlab-ci.yml:4",
            "composer install --no-dev --optimize-autoloader  # from composer.json",
        ),
        # monicahq/monica: tests run in a reusable workflow; package.json `test` runs phpunit
        (
            {
                "composer.json": "{}\n",
                "artisan": "#!/usr/bin/env php\n",
                "yarn.lock": "\n",
                "package.json": '{\n  "scripts": {\n    "build": "vite build",\n'
                '    "test": "php artisan migrate:fresh && vendor/bin/phpunit"\n  }\n}\n',
            },
            "yarn test  # from package.json:4",
            "composer install --no-dev --optimize-autoloader && yarn install --frozen-lockfile "
            "&& yarn run build  # from composer.json; yarn.lock; package.json:3",
        ),
    ],
)
def test_commands_come_from_the_repository_own_files(
    tmp_path: Path, files: dict[str, str], test: str, build: str
) -> None:
    cs = repo_with(tmp_path, files, {"src/x.txt": "1\n", "lib/new.code": "x\n"})
    tc = detect_toolchain(cs)
    assert (tc.test, tc.build) == (test, build)


def test_gitlab_ci_follows_cd_into_the_service_folder(tmp_path: Path) -> None:
    files = {
        "services/api/pyproject.toml": "[project]\nname = 'api'\n[tool.pytest.ini_options]\n",
        "services/api/uv.lock": "version = 1\n",
        "services/api/app.py": "x = 1\n",
        ".gitlab-ci.yml": "test-api:\n  script:\n    - cd services/api\n    - uv run pytest -q\n",
    }
    cs = repo_with(tmp_path, files, {"services/api/app.py": "x = 2\n"})
    tc = detect_toolchain(cs)
    assert tc.test == "(cd services/api && uv run pytest -q)  # from .gitlab-ci.yml:4"
    assert tc.build == "(cd services/api && uv sync --frozen)  # from services/api/uv.lock"


def test_ci_scanner_joins_continued_lines_and_follows_cd() -> None:
    from planner.runtime.repository.evidence import scan_ci

    workflow = (
        "on: [push]\n"  # 1
        "jobs:\n"  # 2
        "  t:\n"  # 3
        "    steps:\n"  # 4
        "      - run: |\n"  # 5
        "          helm template . \\\n"  # 6
        "            --set a=b\n"  # 7
        "          cd 'sub dir' && make test\n"  # 8
        "      - working-directory: web\n"  # 9
        "        run: npm test # unit\n"  # 10
    )
    found = scan_ci({".github/workflows/ci.yml": workflow})
    assert [(f.text, f.line, f.folder) for f in found] == [
        ("helm template . --set a=b", 6, ""),
        ("make test", 8, "sub dir"),
        ("npm test", 10, "web"),
    ]
