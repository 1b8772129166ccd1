"""Yuno's REST API as Python: the async client, its models, errors, retries and breaker.

Nothing here knows about GraphQL; it is the only package that speaks Yuno's JSON.
"""
