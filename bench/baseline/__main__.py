"""``python -m bench.baseline``: serve the baseline on its own port."""

import argparse

from aiohttp import web

from bench.baseline.app import create_app
from bench.processes import HOST, PRIVATE_SECRET_KEY, PUBLIC_API_KEY


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__)
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--yuno-url", required=True, help="Yuno base URL including /v1")
    parser.add_argument("--public-api-key", default=PUBLIC_API_KEY)
    parser.add_argument("--private-secret-key", default=PRIVATE_SECRET_KEY)
    args = parser.parse_args()
    app = create_app(args.yuno_url, args.public_api_key, args.private_secret_key)
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
