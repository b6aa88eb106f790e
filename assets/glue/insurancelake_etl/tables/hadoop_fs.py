"""Folder operations on any URI Spark can write (``file://``, ``s3://``).

Remote URIs go through Hadoop's FileSystem API in the session's JVM; local folders use the OS
directly (hard links make the Parquet writer's settle copy cheap).
"""

from __future__ import annotations

import os
import shutil
from typing import Any
from urllib.parse import unquote, urlparse

from pyspark.sql import SparkSession

from ..jvm import hadoop_configuration, jvm


def _local(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return unquote(parsed.path) if parsed.scheme else uri
    return None


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


class HadoopFs:
    """Exists, delete, list and copy on folders of any scheme the session can write."""

    def __init__(self, spark: SparkSession) -> None:
        self._spark = spark

    def _jvm(self) -> tuple[Any, Any]:
        return jvm(self._spark), hadoop_configuration(self._spark)

    def _jpath(self, uri: str) -> tuple[Any, Any]:
        jvm, conf = self._jvm()
        path = jvm.org.apache.hadoop.fs.Path(uri)
        return path, path.getFileSystem(conf)

    def exists(self, uri: str) -> bool:
        """Whether the file or folder exists."""
        local = _local(uri)
        if local is not None:
            return os.path.exists(local)
        path, fs = self._jpath(uri)
        return bool(fs.exists(path))

    def delete(self, uri: str) -> None:
        """Delete a folder recursively (nothing when absent)."""
        local = _local(uri)
        if local is not None:
            shutil.rmtree(local, ignore_errors=True)
            return
        path, fs = self._jpath(uri)
        fs.delete(path, True)

    def list_dirs(self, uri: str) -> list[str]:
        """Names of the sub-folders of ``uri`` (empty when absent)."""
        local = _local(uri)
        if local is not None:
            if not os.path.isdir(local):
                return []
            return sorted(n for n in os.listdir(local) if os.path.isdir(os.path.join(local, n)))
        path, fs = self._jpath(uri)
        if not fs.exists(path):
            return []
        return sorted(str(s.getPath().getName()) for s in fs.listStatus(path) if s.isDirectory())

    def copy_tree(self, src: str, dst: str) -> None:
        """Copy folder ``src`` to ``dst`` (hard links locally, a Hadoop copy elsewhere)."""
        local_src, local_dst = _local(src), _local(dst)
        if local_src is not None and local_dst is not None:
            shutil.copytree(local_src, local_dst, copy_function=_link_or_copy)
            return
        jvm, conf = self._jvm()
        spath, sfs = self._jpath(src)
        dpath, dfs = self._jpath(dst)
        jvm.org.apache.hadoop.fs.FileUtil.copy(sfs, spath, dfs, dpath, False, conf)
