"""The one base class for mistakes an instructor can make in the kit's own files.

A wrong assignment.toml (manifest.ManifestError) or a malformed marker in a reference
file (render.MarkerError) is not a bug of the engine and not the student's fault: every
command reports it the same way, as one line on stderr naming the file and the key (or
file:line), with exit status 2 and no traceback.
"""


class KitError(Exception):
    """An instructor's mistake in the kit's files; the message is one line naming where."""
