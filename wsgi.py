"""The WSGI entry point: gunicorn serves `wsgi:app`."""

from mash.app import create_app
from mash.jobs.relay import start_sweeper

app = create_app()
if not app.config["MASH_SETTINGS"].redis_url:
    start_sweeper(app.extensions["mash.relay"], app.config["MASH_SETTINGS"].sweep_seconds)
