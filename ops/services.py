"""Backup and restore: the database and the uploaded files in one archive with a manifest.

The archive (.tar.gz) holds ``db.json`` (dumpdata of every model, portable between SQLite and
PostgreSQL), ``media/…`` (every file under MEDIA_ROOT) and ``manifest.json``: rows per table,
each file's size and SHA-256, the applied migrations. Restore checks all of it before it writes
anything, and writes everything or nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_DUMP = "db.json"
MEDIA_PREFIX = "media/"
# Left out: sessions (a backup must not carry sign-in keys anyone holding it could replay) and
# celery beat's change marker (not data: loading the schedules writes it afresh, telling a
# running beat to reread them).
EXCLUDED = frozenset({"sessions.session", "django_celery_beat.periodictasks"})
# What `migrate` itself fills in an empty database (content types, permissions, the nightly
# schedules, the reference catalogue and its history; tasks_registry.apps): a database holding
# only these holds nothing a restore could destroy. tests/faults/test_backup_restore.py fails if
# migrate starts filling another table, so this list cannot silently fall behind.
FILLED_BY_MIGRATE = frozenset(
    {
        "contenttypes.contenttype",
        "auth.permission",
        "django_celery_beat.crontabschedule",
        "django_celery_beat.intervalschedule",
        "django_celery_beat.solarschedule",
        "django_celery_beat.clockedschedule",
        "django_celery_beat.periodictask",
        "django_celery_beat.periodictasks",
        "tasks_registry.department",
        "tasks_registry.historicaldepartment",
        "tasks_registry.departmentalias",
        "tasks_registry.indicator",
        "tasks_registry.indicatoralias",
        "tasks_registry.jurisdiction",
        "tasks_registry.historicaljurisdiction",
    }
)
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why, in Chinese."""


@dataclass
class Manifest:
    created_at: str
    database_vendor: str
    django_version: str
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    database_dump: dict[str, Any] = field(default_factory=dict)
    migrations: list[list[str]] = field(default_factory=list)
    format_version: int = FORMAT_VERSION

    def as_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "created_at": self.created_at,
            "database_vendor": self.database_vendor,
            "django_version": self.django_version,
            "migrations": self.migrations,
            "tables": self.tables,
            "database_dump": self.database_dump,
            "files": self.files,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(
            format_version=int(data["format_version"]),
            created_at=str(data["created_at"]),
            database_vendor=str(data["database_vendor"]),
            django_version=str(data["django_version"]),
            migrations=[list(m) for m in data["migrations"]],
            tables=dict(data["tables"]),
            database_dump=dict(data["database_dump"]),
            files=dict(data["files"]),
        )


def _backed_up_models() -> list[type[models.Model]]:
    """Every table's model, the many-to-many link tables included (dumpdata writes those inside
    their owners' rows; they are counted on their own so the comparison covers them too)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in EXCLUDED and not model._meta.proxy and model._meta.managed
    ]


def table_counts() -> dict[str, dict[str, Any]]:
    """Rows per table, keyed by model label, for every table a backup holds."""
    return {
        model._meta.label_lower: {
            "table": model._meta.db_table,
            "rows": model._base_manager.using(connection.alias).count(),
        }
        for model in _backed_up_models()
    }


def _applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


class _Hashing(io.RawIOBase):
    """Reads a file while hashing it, so each file is read once on its way into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        hashing = _Hashing(handle)  # tarfile reads exactly info.size bytes from it
        tar.addfile(info, hashing)
    return {"size": info.size, "sha256": hashing.digest.hexdigest()}


def backup_write(*, output: Path) -> Manifest:
    """Write the database and MEDIA_ROOT to ``output`` (.tar.gz) and return its manifest.

    The counts and the dump are read in one transaction (REPEATABLE READ on PostgreSQL), so they
    agree even while people keep working. The archive appears under its name only once complete.
    """
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(
        created_at=timezone.now().isoformat(),
        database_vendor=connection.vendor,
        django_version=django.get_version(),
    )
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as work:
        dump = Path(work) / DATABASE_DUMP
        outermost = not connection.in_atomic_block  # else the caller's transaction decides
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    # One snapshot for every table: counts and rows from the same moment.
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            manifest.migrations = _applied_migrations()
            manifest.tables = table_counts()
            call_command(
                "dumpdata",
                exclude=sorted(EXCLUDED),
                output=str(dump),
                format="json",
                use_base_manager=True,
                verbosity=0,
            )
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            manifest.database_dump = _add_file(tar, dump, DATABASE_DUMP)
            media_root = Path(settings.MEDIA_ROOT)
            for path in _media_files(media_root):
                relative = path.relative_to(media_root).as_posix()
                manifest.files[relative] = _add_file(tar, path, MEDIA_PREFIX + relative)
            body = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(body), int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(body))
        os.replace(partial, output)
    audit_record(
        action=AuditAction.BACKUP,
        detail={
            "archive": str(output),
            "rows": sum(t["rows"] for t in manifest.tables.values()),
            "files": len(manifest.files),
        },
    )
    return manifest


def database_holds_work() -> list[str]:
    """The tables that make this database not empty: any row outside what migrate fills, and any
    audit event other than migrate's own (it records loading the reference catalogue)."""
    busy = []
    for label, counted in table_counts().items():
        if label in FILLED_BY_MIGRATE or not counted["rows"]:
            continue
        if label == "audit.auditevent":
            from audit.models import AuditEvent

            if not AuditEvent.objects.exclude(action=AuditAction.CHANGE, user=None).exists():
                continue
        busy.append(f"{counted['table']}（{counted['rows']} 行）")
    return busy


def _safe_member_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"备份文件中有不安全的路径“{name}”，已拒绝恢复")
    return path.as_posix()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _unpack(archive: Path, into: Path) -> Manifest:
    """Extract the archive into ``into`` and check every member against the manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                name = _safe_member_name(member.name)
                if not member.isfile():
                    raise BackupError(f"备份文件中的“{name}”不是普通文件，已拒绝恢复")
                if name not in (MANIFEST, DATABASE_DUMP) and not name.startswith(MEDIA_PREFIX):
                    raise BackupError(f"备份文件中有不认识的内容“{name}”，已拒绝恢复")
                tar.extract(member, into, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"无法读取备份文件 {archive}：{exc}（文件损坏或不完整）") from exc
    manifest_path = into / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"备份文件 {archive} 中没有 {MANIFEST}（不是本系统生成的备份）")
    try:
        manifest = Manifest.from_json(json.loads(manifest_path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份文件 {archive} 的 {MANIFEST} 无法解析：{exc}") from exc
    if manifest.format_version != FORMAT_VERSION:
        raise BackupError(
            f"备份格式版本 {manifest.format_version} 与本系统（{FORMAT_VERSION}）不符，无法恢复"
        )
    expected = {DATABASE_DUMP: manifest.database_dump} | {
        MEDIA_PREFIX + name: entry for name, entry in manifest.files.items()
    }
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if missing := sorted(set(expected) - present):
        raise BackupError(f"备份文件不完整：清单中的 {len(missing)} 个文件缺失，如 {missing[0]}")
    if extra := sorted(present - set(expected)):
        raise BackupError(f"备份文件中有清单未列出的文件，如 {extra[0]}，已拒绝恢复")
    for name, entry in expected.items():
        if _sha256(into / name) != entry["sha256"]:
            raise BackupError(f"校验失败：{name} 的 SHA-256 与清单不符（备份文件已损坏或被改动）")
    return manifest


def _wipe_database() -> None:
    """Empty every table except the migration records, without post_migrate refilling them."""
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=False
    )
    connection.ops.execute_sql_flush(statements)


def backup_restore(*, archive: Path) -> Manifest:
    """Bring back a backup into an empty, migrated database and an empty MEDIA_ROOT.

    Refuses, changing nothing, when the database or the media folder holds anything, when the
    migrations differ from the backup's, or when any checksum fails. Then loads the rows and moves
    the files in one transaction: a failure part-way leaves the database and folder as they were.
    """
    archive = archive.resolve()
    if not archive.is_file():
        raise BackupError(f"找不到备份文件 {archive}")
    if busy := database_holds_work():
        raise BackupError(
            "数据库不是空的，拒绝恢复以免覆盖现有数据："
            + "、".join(busy[:5])
            + ("等" if len(busy) > 5 else "")
            + "。请在新建并执行过 migrate 的空数据库上恢复"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if existing := _media_files(media_root):
        raise BackupError(
            f"上传文件目录 {media_root} 不是空的（{len(existing)} 个文件，"
            f"如 {existing[0].relative_to(media_root)}），拒绝恢复；请指定空目录"
        )
    media_root.mkdir(parents=True, exist_ok=True)
    # Unpacked beside MEDIA_ROOT, so each file moves into place by a rename on the same disk.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        staging = Path(work)
        manifest = _unpack(archive, staging)
        ours = _applied_migrations()
        if ours != manifest.migrations:
            theirs = {tuple(m) for m in manifest.migrations}
            mine = {tuple(m) for m in ours}
            differ = sorted(theirs ^ mine)
            raise BackupError(
                f"数据库的迁移与备份时不同（相差 {len(differ)} 个，如 {'.'.join(differ[0])}）："
                "请用与备份时相同版本的程序执行 migrate 后再恢复"
            )
        moved: list[Path] = []
        try:
            with transaction.atomic():
                _wipe_database()
                call_command("loaddata", str(staging / DATABASE_DUMP), verbosity=0)
                restored = table_counts()
                wrong = [
                    f"{label}（备份 {entry['rows']} 行，恢复后 {got} 行）"
                    for label, entry in manifest.tables.items()
                    if (got := restored.get(label, {}).get("rows")) != entry["rows"]
                ]
                if wrong:
                    raise BackupError("恢复后的行数与清单不符：" + "、".join(wrong[:5]))
                for name in manifest.files:
                    target = media_root / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staging / MEDIA_PREFIX / name, target)
                    moved.append(target)
        except BaseException:
            for path in moved:  # the folder was empty before: take back what was put there
                path.unlink(missing_ok=True)
            raise
    audit_record(
        action=AuditAction.RESTORE,
        detail={
            "archive": str(archive),
            "backup_created_at": manifest.created_at,
            "rows": sum(t["rows"] for t in manifest.tables.values()),
            "files": len(manifest.files),
        },
    )
    return manifest
