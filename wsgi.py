"""The WSGI entry point: gunicorn serves `wsgi:app`."""

from mash import jobs
from mash.app import create_app

app = create_app()
if not app.config["MASH_SETTINGS"].redis_url:
    jobs.start_sweeper(app.extensions["mash.relay"], app.config["MASH_SETTINGS"].sweep_seconds)
