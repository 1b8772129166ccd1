"""The GraphQL schema: strawberry types, inputs, payloads, scalars and error codes.

It maps what the resolvers return (Yuno models, pure data) to the public contract's types
and does no I/O of its own; ``schema.build_schema`` makes the federated schema once.
"""
