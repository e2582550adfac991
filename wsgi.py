"""The WSGI entry point: gunicorn serves `wsgi:app`."""

from mash.app import create_app

app = create_app()
