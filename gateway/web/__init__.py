"""The HTTP edge: the GraphQL view, health endpoints and middlewares."""
