"""Entry point for servers and the flask command: `gunicorn wsgi:app`, `flask --app wsgi db upgrade`."""

from web import create_app

app = create_app()
