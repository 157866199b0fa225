"""What a call wrote: file descriptors 1 and 2 captured, warnings kept apart (OutputCapture)."""

import ctypes
import io
import os
import sys
import tempfile
import warnings

OUTPUT_KEEP = 64 * 1024  # bytes of captured output returned per call; the rest is counted
WARNINGS_KEEP = 20       # distinct warnings returned per call; repeats of one are counted
_REAL_WARN = warnings.warn
try:
    _libc = ctypes.CDLL(None)  # to flush C stdio, which buffers apart from Python
except (OSError, TypeError):  # Windows (students run the local mode there too)
    _libc = None


class OutputCapture:
    """Capture everything written to file descriptors 1 and 2 during a call.

    Redirecting the descriptors (not only sys.stdout) catches print, sys.stdout.write,
    os.write(1, ...), logging, C extensions and child processes alike.

    Warnings issued through Python's warnings machinery are not written there: they are
    kept apart in `self.warnings` (category, message, file:line), since NumPy's
    RuntimeWarning on an overflow is the library speaking, not the student printing. The
    one exception is the student's own `warnings.warn(...)` (called from a file under
    `root`): that is the student choosing to print a line, so it is written to the
    captured stderr as Python would, and the print policy sees it like any other line.
    """

    def __init__(self, root=None):
        self._file = tempfile.TemporaryFile()
        self._saved = None
        self.root = root
        self.warnings = []
        self._saved_warnings = None
        self._explicit = 0  # > 0 while the student's own warnings.warn runs

    def start(self):
        self._flush()
        self._file.seek(0)
        self._file.truncate()
        self._saved = (os.dup(1), os.dup(2), sys.stdout, sys.stderr)
        os.dup2(self._file.fileno(), 1)
        os.dup2(self._file.fileno(), 2)
        # Unbuffered all the way down, so print and os.write(1, ...) keep their order.
        sys.stdout = io.TextIOWrapper(open(1, "wb", buffering=0, closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(open(2, "wb", buffering=0, closefd=False), write_through=True)
        self.warnings = []
        self._saved_warnings = (warnings.showwarning, warnings.warn)
        warnings.showwarning = self._show_warning
        warnings.warn = self._warn
        mutated = getattr(warnings, "_filters_mutated", None)
        if mutated is not None:
            mutated()  # the "default" filters show a warning once per location: here, once per call

    def stop(self):
        """Restore the descriptors; return (text kept, total bytes written)."""
        self._flush()
        if self._saved_warnings is not None:
            warnings.showwarning, warnings.warn = self._saved_warnings
            self._saved_warnings = None
        out1, out2, sys.stdout, sys.stderr = self._saved
        os.dup2(out1, 1)
        os.dup2(out2, 2)
        os.close(out1)
        os.close(out2)
        total = self._file.seek(0, os.SEEK_END)
        self._file.seek(0)
        text = self._file.read(OUTPUT_KEEP).decode("utf-8", "replace")
        return text, total

    def _warn(self, message, category=None, stacklevel=1, source=None, **kwargs):
        """warnings.warn during a call: marks the student's own calls (the caller's file is under root)."""
        try:
            caller = sys._getframe(1).f_code.co_filename
        except Exception:
            caller = ""
        explicit = bool(self.root) and caller.startswith(self.root + os.sep)
        self._explicit += explicit
        try:
            level = stacklevel + 1 if type(stacklevel) is int and stacklevel >= 1 else stacklevel
            _REAL_WARN(message, category, level, source, **kwargs)
        finally:
            self._explicit -= explicit

    def _show_warning(self, message, category, filename, lineno, file=None, line=None):
        """warnings.showwarning during a call: record the warning (or, the student's own, print it)."""
        try:
            where = str(filename)
            if self.root and where.startswith(self.root + os.sep):
                where = where[len(self.root) + 1:]
            found = {"category": getattr(category, "__name__", "Warning"), "message": str(message)[:500],
                     "file": where, "line": lineno if type(lineno) is int else 0, "count": 1}
        except Exception:  # a warning object whose str() raises
            found = {"category": "Warning", "message": "<message could not be read>", "file": "?",
                     "line": 0, "count": 1}
        if self._explicit:
            text = f"{found['file']}:{found['line']}: {found['category']}: {found['message']}\n"
            try:
                sys.stderr.write(text)
            except Exception:
                os.write(2, text.encode("utf-8", "replace"))
            return
        key = [found[k] for k in ("category", "message", "file", "line")]
        for kept in self.warnings:
            if [kept[k] for k in ("category", "message", "file", "line")] == key:
                kept["count"] += 1
                return
        if len(self.warnings) < WARNINGS_KEEP:
            self.warnings.append(found)

    @staticmethod
    def _flush():
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a student may have replaced or closed the stream
                pass
        if _libc is not None:
            _libc.fflush(None)  # printf in an extension: its line would surface at exit, uncaptured
