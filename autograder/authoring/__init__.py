"""From reference solution to student code: the markers (render) and which files of a
solution become the skeleton (tree)."""
