#!/bin/sh
# Run a command (as root) where the worker account can reach this Python, so the engine
# tests cover the `user` sandbox mode and bwrap-as-account on hosts whose Python lives
# under /root (pyenv): a private mount namespace puts a traversable /root over the real
# one, holding only .pyenv. Nothing changes outside the namespace.
#   tools/with_reachable_python.sh .venv/bin/python -m pytest tests -q
set -eu
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
exec unshare --mount --propagation private sh -c '
  keep=$(mktemp -d)
  mount --bind /root/.pyenv "$keep"
  mount -t tmpfs -o mode=755 tmpfs /root
  mkdir /root/.pyenv
  mount --bind "$keep" /root/.pyenv
  exec "$@"' sh "$@"
