"""``pmsync serve``: the scheduler, HTTP listener, metrics, webhooks and leader election."""
