"""The one place that enqueues: the job registry (`registry`), the runners that carry jobs out (`runners`) and the
outbox relay that hands them committed work through a unit of work (`relay`)."""
