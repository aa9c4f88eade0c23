"""A memory cap for parsing an uploaded file in a background job.

A file can be small on disk and still cost gigabytes to read (a .docx of 18 MB whose XML unpacks
to 200 MB grew a worker to 4.5 GB before its time limit). Inside ``parse_memory_capped`` the
process's address space may grow by at most JOB_PARSE_MEMORY_MB over what it uses already
(RLIMIT_AS, Linux); past it an allocation fails and the job ends 失败 with ParseMemoryExceeded's
message instead of the machine swapping or the OOM killer choosing a victim. The previous limit
is restored afterwards, so the worker process goes on serving other jobs. A child process started
inside (LibreOffice converting a .doc) lifts the cap for itself (policytext/formats/word.py):
it has its own time limit.
"""

from __future__ import annotations

import contextlib
import os
import resource
import sys
from collections.abc import Iterator

from django.conf import settings


class ParseMemoryExceeded(Exception):
    def __init__(self, megabytes: int) -> None:
        super().__init__(
            f"文件内容过大：读取它所需的内存超过上限（{megabytes} MB），未写入任何数据；"
            "请拆分文件或删去其中的大表格、图片后重新上传"
        )


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def parse_memory_capped() -> Iterator[None]:
    megabytes = int(settings.JOB_PARSE_MEMORY_MB)
    if megabytes <= 0 or not sys.platform.startswith("linux"):
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    except MemoryError as exc:
        raise ParseMemoryExceeded(megabytes) from exc
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
