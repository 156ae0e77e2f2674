"""Run the test provider: `python -m tests.oidc_provider [--port N] [--demo]`.

Makes a fresh RSA signing key and a throw-away database, serves on 127.0.0.1,
and prints one JSON line with the issuer and the setup key once it is ready.
--demo listens on port 9000 and registers the application at http://127.0.0.1:8000 (--app)
and a few users (README
"Single sign-on", "Try it with the test provider").
"""

import argparse
import json
import os
import secrets
import shutil
import socketserver
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def demo_setup(app_url: str) -> dict:
    """The demo application (at app_url) and users, for trying single sign-on by hand."""
    hosts = {app_url.rstrip("/"), app_url.rstrip("/").replace("127.0.0.1", "localhost")}
    return {
        "clients": [
            {
                "client_id": "ml-readiness",
                "client_secret": "demo-client-secret-for-the-test-provider",
                "redirect_uris": [f"{host}/sso/callback/" for host in sorted(hosts)],
                "post_logout_redirect_uris": [f"{host}/login/" for host in sorted(hosts)],
            }
        ],
        "users": DEMO_USERS,
    }


DEMO_USERS = [
    {
        "username": "bea",
        "password": "bea-provider-password",
        "name": "Bea Benefits",
        "email": "bea@agency.example",
        "groups": ["ml-benefits-members"],
    },
    {
        "username": "ben",
        "password": "ben-provider-password",
        "name": "Ben Benefits",
        "email": "ben@agency.example",
        "groups": ["ml-benefits-viewers"],
    },
    {
        "username": "erin",
        "password": "erin-provider-password",
        "name": "Erin Executive",
        "email": "erin@agency.example",
        "groups": ["ml-executives"],
    },
    {
        "username": "eli",
        "password": "eli-provider-password",
        "name": "Eli Editor",
        "email": "eli@agency.example",
        "groups": ["ml-questionnaire-editors"],
    },
]


def _rsa_private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.oidc_provider", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--demo", action="store_true", help="register the demo application and users")
    parser.add_argument("--app", default="http://127.0.0.1:8000", help="the application's address, for --demo")
    args = parser.parse_args(argv)
    if args.demo and not args.port:
        args.port = 9000  # the address the README gives to the application

    workdir = tempfile.mkdtemp(prefix="oidc-test-provider-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OIDC_TEST_PROVIDER_DB=str(Path(workdir) / "provider.sqlite3"),
        OIDC_TEST_PROVIDER_SECRET_KEY=secrets.token_urlsafe(40),
        OIDC_TEST_PROVIDER_RSA_KEY=_rsa_private_key_pem(),
    )
    os.environ.setdefault("OIDC_TEST_PROVIDER_SETUP_KEY", secrets.token_urlsafe(24))
    sys.path.insert(0, str(REPO))
    try:
        import django
        from django.core.management import call_command
        from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer, get_internal_wsgi_application

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        if args.demo:
            from tests.oidc_provider.views import provider_setup

            demo = demo_setup(args.app)
            provider_setup(demo)

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, format, *args):  # the request log would show codes and tokens
                pass

        server_class = type("ThreadedWSGIServer", (socketserver.ThreadingMixIn, WSGIServer), {"daemon_threads": True})
        server = server_class(("127.0.0.1", args.port), QuietHandler, ipv6=False)
        server.set_app(get_internal_wsgi_application())
        port = server.server_address[1]
        ready = {
            "issuer": f"http://127.0.0.1:{port}/o",
            "port": port,
            "setup_key": os.environ["OIDC_TEST_PROVIDER_SETUP_KEY"],
        }
        print(json.dumps(ready), flush=True)
        if args.demo:
            client = demo["clients"][0]
            print(
                "\nTest provider ready. Start the application with:\n\n"
                f"  OIDC_ISSUER={ready['issuer']} OIDC_CLIENT_ID={client['client_id']} "
                f"OIDC_CLIENT_SECRET={client['client_secret']} OIDC_DISPLAY_NAME='Test provider' make run\n\n"
                "Provider users (password): "
                + ", ".join(f"{u['username']} ({u['password']}) in {', '.join(u['groups'])}" for u in DEMO_USERS)
                + "\nStop with Ctrl+C.",
                flush=True,
            )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
