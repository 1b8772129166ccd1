"""One async function per use case: checks, loader and client calls, and the userErrors.

Resolvers return Yuno models (data) and ``Outcome``s; ``schema/`` turns those into GraphQL
types. Nothing here knows about HTTP or GraphQL syntax.
"""
