"""Plans for infrastructure and configuration changes, on real git repositories.

- a multi-service repository with Terraform, Helm, Kustomize and per-service Dockerfiles,
  modelled on GoogleCloudPlatform/microservices-demo;
- a Spring Boot jar with application.properties and Flyway, modelled on
  gothinkster/spring-boot-realworld-example-app;
- a Django settings module, modelled on healthchecks/healthchecks;
- a Rails app with controllers and views under ``settings/``, modelled on maybe-finance/maybe.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from support.gitrepo import commit, git, make_repo

from planner.change.git import read_git_change
from planner.model import Plan
from planner.plan.build import build_plan
from planner.profile import ServiceProfile, parse_profile
from planner.risk import classify

K8S = parse_profile({"platform": "kubernetes", "namespace": "boutique", "service": "frontend"})

DEMO = {
    "README.md": "# Online Boutique\n",
    "src/frontend/go.mod": "module frontend\n",
    "src/frontend/main.go": "package main\n",
    "src/frontend/Dockerfile": "FROM golang\n",
    "src/emailservice/requirements.txt": "grpcio\n",
    "src/emailservice/email_server.py": "x = 1\n",
    "src/emailservice/Dockerfile": "FROM python\n",
    "terraform/main.tf": 'resource "google_container_cluster" "demo" {\n  name = "demo"\n}\n'
    'resource "google_redis_instance" "cache" {\n  name = "cart"\n}\n',
    "terraform/providers.tf": "terraform {\n  required_providers {\n    google = {\n"
    '      version = "6.1.0"\n    }\n  }\n}\n',
    "terraform/.terraform.lock.hcl": "# lock\n",
    "helm-chart/Chart.yaml": "apiVersion: v2\nname: onlineboutique\nversion: 0.10.6\n",
    "helm-chart/values.yaml": "frontend:\n  replicas: 1\n",
    "kustomize/kustomization.yaml": "kind: Kustomization\nresources:\n- base\n",
    "kustomize/base/kustomization.yaml": "kind: Kustomization\nresources:\n- frontend.yaml\n",
    "kustomize/base/frontend.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
    "istio-manifests/frontend-gateway.yaml": "apiVersion: networking.istio.io/v1\n"
    "kind: Gateway\nmetadata:\n  name: frontend-gateway\n",
}


def plan_for(
    tmp_path: Path,
    files: dict[str, str],
    change: dict[str, str | None],
    profile: ServiceProfile = K8S,
) -> tuple[Plan, str]:
    repo = make_repo(tmp_path, files)
    base = git(repo, "rev-parse", "HEAD")
    commit(repo, change, "change")
    changes = read_git_change(str(repo), base, "HEAD")
    return build_plan(changes, classify(changes), profile), base


def all_commands(plan: Plan) -> list[str]:
    out = [c for s in plan.stages for c in s.commands]
    return out + [s.command for lvl in plan.rollback.levels for s in lvl.steps if s.command]


def test_terraform_and_helm_change_builds_no_application(tmp_path: Path) -> None:
    plan, _ = plan_for(
        tmp_path,
        DEMO,
        {
            "README.md": "# Online Boutique v2\n",
            "terraform/main.tf": 'resource "google_container_cluster" "demo" {\n'
            '  name = "demo2"\n}\n',
            "terraform/providers.tf": "terraform {\n  required_providers {\n    google = {\n"
            '      version = "6.8.0"\n    }\n  }\n}\n',
            "helm-chart/values.yaml": "frontend:\n  replicas: 3\n",
        },
    )
    commands = all_commands(plan)
    assert not any(c.split()[0] in ("npm", "go", "docker", "pip") for c in commands)
    assert not any("set image" in c for c in commands)
    infra = plan.stages[0].commands
    assert (
        "(cd terraform && terraform plan -input=false -out=tfplan)  # from terraform/main.tf"
        in infra
    )
    # a saved plan applies without asking: the apply waits, commented, for the plan's reader
    assert (
        "# after reading the plan (no unexpected destroy or replace), run: "
        "(cd terraform && terraform apply -input=false tfplan)"
    ) in infra
    helm = [c for c in infra if c.startswith("helm upgrade")]
    assert helm and shlex.split(helm[0], comments=True) == [
        "helm", "upgrade", "--install", "onlineboutique", "helm-chart",
        "-n", "boutique", "--wait", "--timeout", "10m",
    ]  # fmt: skip
    deploy = " ".join(plan.stages[0].deploy)
    # a provider upgrade and a destroyed resource are named as things a rollback cannot undo
    assert "provider version" in deploy and "`google_redis_instance.cache`" in deploy
    assert all("Nothing to expose" in s.deploy[0] for s in plan.stages[2:])
    # Level 2: the values file is configuration, reverted with helm rollback
    level2 = plan.rollback.levels[1]
    assert level2.applicable
    assert "helm rollback onlineboutique -n boutique --wait" in " ".join(
        s.command or "" for s in level2.steps
    )
    level3 = [s.command for s in plan.rollback.levels[2].steps if s.command]
    assert f"git revert --no-edit {git(tmp_path / 'repo', 'rev-parse', 'HEAD')}" in level3


def test_readme_only_change_deploys_nothing(tmp_path: Path) -> None:
    plan, _ = plan_for(tmp_path, DEMO, {"README.md": "# Online Boutique v2\n"})
    stage_commands = [c for s in plan.stages for c in s.commands]
    assert stage_commands == []
    assert "touches no code root" in " ".join(plan.stages[0].deploy)


def test_service_change_builds_its_own_dockerfile_in_its_folder(tmp_path: Path) -> None:
    plan, _ = plan_for(tmp_path, DEMO, {"src/frontend/main.go": "package main\n// v2\n"})
    canary = plan.stages[2].commands
    assert canary[0].startswith(
        "docker build -f src/frontend/Dockerfile -t 'frontend:' src/frontend"
    ) or canary[0].startswith("docker build -f src/frontend/Dockerfile -t frontend:")
    assert canary[0].endswith("src/frontend  # from src/frontend/Dockerfile")


def test_plain_manifest_rolls_back_by_reapplying_the_base_version(tmp_path: Path) -> None:
    plan, base = plan_for(
        tmp_path,
        DEMO,
        {
            "istio-manifests/frontend-gateway.yaml": "apiVersion: networking.istio.io/v1\n"
            "kind: Gateway\nmetadata:\n  name: frontend-gateway\n  labels: {a: b}\n"
        },
    )
    assert "kubectl apply -f istio-manifests/frontend-gateway.yaml -n boutique" in " ".join(
        plan.stages[0].commands
    )
    level3 = [s.command for s in plan.rollback.levels[2].steps if s.command]
    assert (
        f"git show {base}:istio-manifests/frontend-gateway.yaml | kubectl apply -f - -n boutique"
        "  # from istio-manifests/frontend-gateway.yaml"
    ) in level3


SPRING = {
    "build.gradle": "plugins { id 'org.springframework.boot' version '3.3.0' }\n",
    "settings.gradle": "rootProject.name = 'realworld'\n",
    "gradlew": "#!/bin/sh\n",
    "gradle/wrapper/gradle-wrapper.properties": "distributionUrl=gradle-8.8-bin.zip\n",
    "src/main/resources/application.properties": "jwt.sessionTime=86400\n",
    "src/main/resources/db/migration/V1__create_tables.sql": "create table users (id int);\n",
    "src/main/java/io/spring/App.java": "class App {}\n",
    ".github/workflows/gradle.yml": "on: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"
    "    steps:\n    - name: Test with Gradle\n      run: ./gradlew clean test\n",
}
SYSTEMD = parse_profile({"platform": "systemd", "service": "realworld", "process": "realworld"})


def test_spring_properties_are_packaged_in_the_jar_so_level_2_rebuilds(tmp_path: Path) -> None:
    plan, _ = plan_for(
        tmp_path,
        SPRING,
        {"src/main/resources/application.properties": "jwt.sessionTime=3600\n"},
        SYSTEMD,
    )
    level2 = plan.rollback.levels[1]
    commands = [s.command for s in level2.steps if s.command]
    assert "./gradlew build -x test  # from gradlew" in commands  # rebuilt, then restarted
    assert commands.index("./gradlew build -x test  # from gradlew") < commands.index(
        "sudo systemctl restart realworld"
    )
    assert level2.reason.startswith("Level 2 is not faster than Level 3 here")
    assert "build 3" in level2.estimate_explained
    assert "./gradlew clean test  # from .github/workflows/gradle.yml:7" in commands


def test_the_gradle_wrapper_properties_are_build_files_not_configuration(tmp_path: Path) -> None:
    plan, _ = plan_for(
        tmp_path,
        SPRING,
        {"gradle/wrapper/gradle-wrapper.properties": "distributionUrl=gradle-8.9-bin.zip\n"},
        SYSTEMD,
    )
    assert not plan.rollback.levels[1].applicable


DJANGO = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "hc.settings")\n',
    "requirements.txt": "Django\n",
    "hc/settings.py": "def envbool(s):\n    return s\n\nDEBUG = envbool('DEBUG')\n",
    "hc/api/views.py": "def index(request):\n    return None\n",
}


def test_django_settings_module_is_configuration_restarted_on_the_host(tmp_path: Path) -> None:
    plan, base = plan_for(
        tmp_path,
        DJANGO,
        {"hc/settings.py": "def envbool(s):\n    return s\n\nDEBUG = False\n"},
        parse_profile({"platform": "systemd", "service": "hc", "process": "hc"}),
    )
    level2 = plan.rollback.levels[1]
    commands = [s.command for s in level2.steps if s.command]
    assert commands[0] == f"git checkout {base} -- hc/settings.py"
    assert "sudo systemctl restart hc" in commands
    assert level2.reason == ""  # a restart is the fast path here


RAILS = {
    "Gemfile": "gem 'rails'\n",
    "bin/rails": "#!/usr/bin/env ruby\n",
    "config/application.rb": "module Maybe; end\n",
    "config/initializers/sidekiq.rb": "Sidekiq.configure_server {}\n",
    "app/controllers/settings/profiles_controller.rb": "class ProfilesController; end\n",
    "app/views/settings/profiles/show.html.erb": "<h1>Profile</h1>\n",
}


def test_rails_code_under_settings_is_not_configuration(tmp_path: Path) -> None:
    plan, _ = plan_for(
        tmp_path,
        RAILS,
        {
            "app/controllers/settings/profiles_controller.rb": "class ProfilesController\nend\n",
            "app/views/settings/profiles/show.html.erb": "<h1>Your profile</h1>\n",
        },
    )
    assert not plan.rollback.levels[1].applicable


def test_rails_initializer_is_configuration(tmp_path: Path) -> None:
    plan, base = plan_for(
        tmp_path, RAILS, {"config/initializers/sidekiq.rb": "Sidekiq.configure_server { 1 }\n"}
    )
    level2 = plan.rollback.levels[1]
    assert level2.applicable
    assert level2.steps[0].command == f"git checkout {base} -- config/initializers/sidekiq.rb"


def test_every_command_is_shell_parseable_with_its_source_comment(tmp_path: Path) -> None:
    plan, _ = plan_for(
        tmp_path,
        DEMO,
        {
            "terraform/main.tf": 'resource "google_container_cluster" "demo" {}\n',
            "helm-chart/values.yaml": "frontend:\n  replicas: 2\n",
            "kustomize/base/frontend.yaml": "apiVersion: apps/v1\nkind: Deployment\n# v2\n",
            "src/frontend/main.go": "package main\n// v2\n",
        },
    )
    for command in all_commands(plan):
        shlex.split(command, comments=True)  # balanced quotes: a pasted line ends where it shows
        assert "\n" not in command


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frontend-config\ndata:\n"


def test_configmap_is_reverted_by_reapplying_the_base_and_restarting(tmp_path: Path) -> None:
    files = {**DEMO, "k8s/frontend-config.yaml": CONFIGMAP + "  MODE: a\n"}
    plan, base = plan_for(tmp_path, files, {"k8s/frontend-config.yaml": CONFIGMAP + "  MODE: b\n"})
    level2 = plan.rollback.levels[1]
    commands = [s.command for s in level2.steps if s.command]
    assert f"git show {base}:k8s/frontend-config.yaml | kubectl apply -f - -n boutique" in commands
    assert commands.index("kubectl -n boutique rollout restart deployment/frontend") > 0
    assert level2.reason == ""  # no rebuild: faster than Level 3


def test_an_env_template_is_not_deployed_configuration(tmp_path: Path) -> None:
    plan, _ = plan_for(tmp_path, {**DJANGO, ".env.example": "A=1\n"}, {".env.example": "A=2\n"})
    assert not plan.rollback.levels[1].applicable


def test_a_kustomize_base_is_applied_through_the_kustomization_that_lists_it(
    tmp_path: Path,
) -> None:
    # kustomize/kustomization.yaml lists `- base`: production applies kustomize/, not the base
    plan, base = plan_for(
        tmp_path,
        DEMO,
        {"kustomize/base/frontend.yaml": "apiVersion: apps/v1\nkind: Deployment\n#\n"},
    )
    assert "kubectl apply -k kustomize -n boutique" in " ".join(plan.stages[0].commands)
    level3 = " ".join(s.command or "" for s in plan.rollback.levels[2].steps)
    assert f'git worktree add --detach "$tmp" {base}' in level3
    assert 'kubectl apply -k "$tmp"/kustomize -n boutique' in level3


def test_compose_file_change_is_applied_and_rolled_back_with_compose(tmp_path: Path) -> None:
    # openfga/openfga ships a docker-compose.yaml beside its Go service
    files = {
        "go.mod": "module x\n",
        "main.go": "package main\n",
        "docker-compose.yaml": "services:\n  openfga:\n    image: openfga/openfga:v1\n",
    }
    plan, base = plan_for(
        tmp_path,
        files,
        {"docker-compose.yaml": "services:\n  openfga:\n    image: openfga/openfga:v2\n"},
    )
    assert plan.stages[0].commands == (
        "docker compose -f docker-compose.yaml config --quiet  # from docker-compose.yaml",
        "docker compose -f docker-compose.yaml up -d  # from docker-compose.yaml",
        "docker compose -f docker-compose.yaml ps  # from docker-compose.yaml",
    )
    level3 = [s.command for s in plan.rollback.levels[2].steps if s.command]
    assert (
        f"git show {base}:docker-compose.yaml | docker compose -f - --project-directory . up -d"
        "  # from docker-compose.yaml"
    ) in level3
    assert not any(c.startswith("go ") for c in level3)  # no code root touched: no go test
