"""HTTP helpers shared by the services: metrics middleware, problem details, health routes."""
