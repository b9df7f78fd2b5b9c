"""gunicorn settings for drafter; gunicorn reads this file when started in the project folder.

One Python process computes on one core at a time, so the default is one worker process per
core, each with two threads for requests that wait (more threads only contend for the same
core: bench/web.py measured a longer tail with four). The processes share
the database and the knowledge base (see drafter.interprocess); background jobs are claimed
through the database, so each runs exactly once. Every value can be set by environment.
"""

import os
from pathlib import Path

bind = os.environ.get("DRAFTER_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("DRAFTER_WEB_WORKERS", "0")) or os.cpu_count() or 2
threads = int(os.environ.get("DRAFTER_WEB_THREADS", "2"))
worker_class = "gthread"
timeout = 120  # the first search of a process loads the embedding model
keepalive = 5
# A listening socket per worker: the kernel spreads new connections evenly, where with one shared socket
# long-lived keep-alive connections pile up on whichever worker happened to accept them (measured with wrk).
reuse_port = True

# gunicorn's control socket (for `gunicornc`) defaults to ~/.gunicorn/gunicorn.ctl, one per user account: a second
# drafter under the same account removed the first one's socket and took it over. In the instance folder (the one
# the application uses, see web/__init__.py) each instance has its own; `--no-control-socket` turns it off.
# The folder is made here with the application's mode, since gunicorn would otherwise create it first.
_instance = Path(os.environ.get("DRAFTER_INSTANCE_PATH") or Path(__file__).resolve().parent / "instance").resolve()
_instance.mkdir(mode=0o700, parents=True, exist_ok=True)
control_socket = str(_instance / "gunicorn.ctl")
