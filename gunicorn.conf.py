"""gunicorn settings for drafter; gunicorn reads this file when started in the project folder.

One Python process computes on one core at a time, so the default is one worker process per
core, each with a few threads for requests that wait on the database. The processes share
the database and the knowledge base (see drafter.interprocess); background jobs are claimed
through the database, so each runs exactly once. Every value can be set by environment.
"""

import os

bind = os.environ.get("DRAFTER_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("DRAFTER_WEB_WORKERS", "0")) or os.cpu_count() or 2
threads = int(os.environ.get("DRAFTER_WEB_THREADS", "4"))
worker_class = os.environ.get("DRAFTER_WEB_WORKER_CLASS", "gthread")
timeout = 120  # the first search of a process loads the embedding model
keepalive = 5
reuse_port = True
