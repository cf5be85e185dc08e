"""How the project configures its migration tools, read from ``ChangeSet.context_files``.

- Prisma's major version from the nearest ``package.json`` (``prisma`` or ``@prisma/client``):
  Prisma 7 reads the database URL from ``prisma.config.ts`` and renamed ``migrate diff``'s
  sources (``--from-config-datasource``, ``--to-schema``); ``db execute`` lost ``--schema``.
- goose's version table when the code renames it (``goose.SetTableName("x")``): the bare CLI
  would otherwise read ``goose_db_version`` and see no migration applied.
- Flyway's locations (``flyway.locations`` in flyway.conf/toml, ``spring.flyway.locations``)
  and whether the application runs Flyway at start-up (Spring Boot with ``flyway-core``).
- Migrations run when the application starts: a Dockerfile ``CMD``/``ENTRYPOINT``, a
  ``Procfile`` process or release phase, an entrypoint script (``prisma migrate deploy &&
  node server.js``): every migration present in a release then runs at deploy.
- goose run by the application itself (``goose.Up`` in Go code): named, as openfga's
  ``openfga migrate`` runs the same embedded files.
- SQL files embedded in a Go binary (``//go:embed migration``, as usememos/memos) that the
  application applies itself when it starts: no psql by hand, and held-back steps wait for a
  later release.
- EF Core migrations applied by the application (``Database.Migrate()``/``MigrateAsync()``, as
  dotnet/eShop's ``MigrateDbContextExtensions``): every migration of a release runs as it starts.
- Diesel migrations embedded in a Rust application and run when it connects
  (``run_pending_migrations``, as Lemmy does): every migration of a release runs as it starts.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from planner.change.model import ChangeSet
from planner.migrations.tools.engine import detected_engines

__all__ = ["ToolConfig", "read_config"]


@dataclass(frozen=True)
class ToolConfig:
    """What the repository's configuration says about its migration tools."""

    prisma_major: int | None = None
    goose_table: str | None = None
    flyway_locations: str | None = None
    runs_at_startup: tuple[str, ...] = ()  # tools the application runs itself
    evidence: tuple[str, ...] = ()
    engines: tuple[tuple[str, str, bool], ...] = ()  # (engine, file, strong): tools.engine
    # ASP.NET projects (folder) and the .csproj files they reference: dotnet ef's startup project
    web_projects: tuple[tuple[str, tuple[str, ...]], ...] = ()


_PRISMA = re.compile(r"\"(?:prisma|@prisma/client)\"\s*:\s*\"[^\d\"]*(\d+)")
_GOOSE_TABLE = re.compile(r"goose\.SetTableName\(\s*\"([^\"]+)\"")
_GOOSE_RUN = re.compile(r"goose\.(?:Up|UpTo|UpContext|NewProvider)\b")
_DIESEL_RUN = re.compile(r"\brun_pending_migrations\s*\(")
_PROJECT_REF = re.compile(r"<ProjectReference\s+Include=\"([^\"]+)\"")
_EF_RUN = re.compile(r"\.Database\.Migrate(?:Async)?\s*\(")
_GO_EMBED = re.compile(r"^//go:embed\s+\S*migrat", re.M)
_FLYWAY_LOC = re.compile(
    r"^\s*(?:spring\.flyway\.locations|flyway\.locations|locations)\s*[=:]\s*\"?([^\"\n#]+)",
    re.M,
)
_SPRING_FLYWAY = re.compile(r"org\.flywaydb[:\"'/ ]|<artifactId>flyway-core</artifactId>")


# prestart.sh: tiangolo's FastAPI images run it before the server, and the full-stack-fastapi
# template's deploy workflow runs it (alembic upgrade head) on every deploy
_STARTUP_FILES = ("Dockerfile", "Procfile", "docker-entrypoint.sh", "entrypoint.sh", "prestart.sh")
_STARTUP_RUNS = {
    tool: re.compile(p)
    for tool, p in (
        ("prisma", r"\bprisma\s+migrate\s+deploy\b"),
        ("django", r"\bmanage\.py\s+migrate\b"),
        ("rails", r"\brails\s+db:(?:migrate|prepare)\b"),
        ("alembic", r"\balembic\b.*\bupgrade\b"),
        ("flyway", r"\bflyway\b.*\bmigrate\b"),
        ("knex", r"\bknex\s+migrate:latest\b"),
        ("sequelize", r"\bsequelize(?:-cli)?\s+db:migrate\b"),
        ("goose", r"\bgoose\b.*\bup\b"),
        ("golang-migrate", r"\bmigrate\b.*-path\b.*\bup\b"),
    )
}


def _starts(name: str, line: str) -> bool:
    """Whether ``line`` runs when a container or release starts (a Dockerfile's CMD or
    ENTRYPOINT, a Procfile process or release phase, any line of an entrypoint script)."""
    if name == "Dockerfile":
        return line.lstrip().upper().startswith(("CMD", "ENTRYPOINT"))
    return not line.lstrip().startswith("#")


def read_config(changes: ChangeSet) -> ToolConfig:
    """The tool configuration found in the change's context files (git input only)."""
    prisma: int | None = None
    table = locations = None
    startup: list[str] = []
    evidence: list[str] = []
    texts = dict(changes.context_files)
    texts.update({f.path: f.content for f in changes.files if f.content is not None})
    for path in sorted(texts, key=lambda p: (p.count("/"), p)):
        text = texts[path]
        name = posixpath.basename(path)
        if name == "package.json" and prisma is None and (m := _PRISMA.search(text)):
            prisma = int(m.group(1))
            evidence.append(f"Prisma {prisma} from {path}")
        elif path.endswith(".go"):
            if table is None and (m := _GOOSE_TABLE.search(text)):
                table = m.group(1)
                evidence.append(f"goose version table {table!r} set in {path}")
            if _GOOSE_RUN.search(text) and not any("runs goose" in e for e in evidence):
                evidence.append(
                    f"the application runs goose itself ({path}): its own migrate command "
                    "applies the same files"
                )
            elif "sql" not in startup and _GO_EMBED.search(text) and "goose" not in text:
                startup.append("sql")
                evidence.append(
                    f"{path} embeds the SQL migrations and the application applies them itself "
                    "when it starts"
                )
        elif path.endswith(".cs"):
            if "efcore" not in startup and _EF_RUN.search(text):
                startup.append("efcore")
                evidence.append(
                    f"{path} applies the EF Core migrations when the application starts"
                )
        elif path.endswith(".rs"):
            if "diesel" not in startup and _DIESEL_RUN.search(text):
                startup.append("diesel")
                evidence.append(f"{path} runs the embedded Diesel migrations when it starts")
        elif name in (
            "flyway.conf",
            "flyway.toml",
            "application.properties",
            "application.yml",
            "application.yaml",
        ):
            if locations is None and (m := _FLYWAY_LOC.search(text)):
                locations = m.group(1).strip()
                evidence.append(f"Flyway locations {locations!r} from {path}")
        elif name in _STARTUP_FILES:
            for tool, pattern in _STARTUP_RUNS.items():
                lines = [ln for ln in text.splitlines() if _starts(name, ln)]
                if tool not in startup and any(pattern.search(ln) for ln in lines):
                    startup.append(tool)
                    evidence.append(f"{path} runs {tool} when the application starts")
        elif (
            name in ("build.gradle", "build.gradle.kts", "pom.xml")
            and _SPRING_FLYWAY.search(text)
            and "flyway" not in startup
        ):
            startup.append("flyway")
            evidence.append(f"flyway-core in {path}: the application migrates at start-up")
    web = tuple(
        (
            posixpath.dirname(path),
            tuple(
                posixpath.normpath(posixpath.join(posixpath.dirname(path), ref.replace("\\", "/")))
                for ref in _PROJECT_REF.findall(text)
            ),
        )
        for path, text in sorted(texts.items())
        if path.endswith(".csproj") and "Microsoft.NET.Sdk.Web" in text
    )
    return ToolConfig(
        prisma, table, locations, tuple(startup), tuple(evidence), detected_engines(texts), web
    )
