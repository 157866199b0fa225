"""The one zip writer: student zips, the audit's scan copy, Gradescope zips."""

import shutil
import stat
import zipfile
from pathlib import Path

ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # every entry's timestamp: the same tree gives the same zip


def write_zip(zip_path, entries):
    """The one zip writer (student zips, the audit's scan copy, Gradescope zips).

    `entries`: (name in the zip, source, mode) in the order to write; source a Path (read
    in chunks) or str/bytes; mode the permission bits, None for the file's own (0o644 for
    str/bytes). Timestamps are fixed and entries deflated, so zips are reproducible.
    """
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, source, mode in entries:
            if mode is None:
                mode = stat.S_IMODE(source.stat().st_mode) if isinstance(source, Path) else 0o644
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(source, Path):
                with open(source, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            else:
                zf.writestr(info, source.encode() if isinstance(source, str) else source)
    return Path(zip_path)


def tree_entries(root, prefix, skip=("__pycache__",), suffixes=None):
    """write_zip entries for the regular files under `root` (sorted), named prefix/relative
    path; parts in `skip`, symlinks, and (if given) suffixes not in `suffixes` are left out."""
    root = Path(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in skip for part in rel.parts) or path.is_symlink() or not path.is_file():
            continue
        if suffixes is None or path.suffix in suffixes:
            yield f"{prefix}/{rel.as_posix()}" if prefix else rel.as_posix(), path, None
