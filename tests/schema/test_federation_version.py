"""The subgraph declares the lowest federation version that has what it uses: composers that
do not know the newest version refuse the SDL (Guild's composition refused v2.11), so each
directive added to the schema may raise it, and nothing else may."""

import re

from strawberry.federation import schema_directives

from gateway.app import schema_limits
from gateway.schema.schema import build_schema
from gateway.settings import Settings

#: Federation's directives as strawberry defines them, by name, with the version each needs.
MINIMUM_VERSIONS = {
    directive.imported_from.name: directive.minimum_version
    for directive in vars(schema_directives).values()
    if isinstance(directive, type)
    and issubclass(directive, schema_directives.FederationDirective)
    and directive is not schema_directives.FederationDirective
}


def test_the_declared_version_is_the_least_its_directives_need() -> None:
    sdl = build_schema(schema_limits(Settings())).as_str()
    link = re.search(r'federation/v(\d+)\.(\d+)", import: \[([^\]]*)\]', sdl)
    assert link is not None
    declared = (int(link[1]), int(link[2]))
    imported = [name.strip().strip('"@') for name in link[3].split(",")]

    assert {"key", "shareable", "cost", "listSize"} <= set(imported)
    assert declared == max(MINIMUM_VERSIONS[name] for name in imported)
