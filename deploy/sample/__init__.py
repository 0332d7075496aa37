"""Sample helpdesk traffic for a local stack (``python -m deploy.sample.replay``)."""
