"""A GraphQL gateway in front of Yuno's payments REST API.

The request path, and the packages that show it (see DESIGN.md §1):
``web`` → ``schema`` → ``resolvers`` → ``loaders`` (+ cache) → ``yuno`` → Yuno, or
``sandbox``, the Yuno emulator this project ships.
"""
