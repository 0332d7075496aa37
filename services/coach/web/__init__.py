"""The coach's HTTP side: who is calling, request and response bodies, views, server-rendered
pages and their static files. Routes live in ``web/routes``."""
