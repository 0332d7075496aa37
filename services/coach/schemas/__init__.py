"""Request and response bodies of the coach API (Pydantic): the OpenAPI document's schemas.
Workflows build them and routes return them, so they depend on neither."""
