from django.core.management.base import BaseCommand, CommandError

from tutti.accounts.models import ApiToken
from tutti.accounts.tokens import api_token_create, api_token_revoke
from tutti.organisations.models import Organisation


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for partner systems."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once")
        create.add_argument("name")
        create.add_argument(
            "--scopes",
            required=True,
            help="Comma-separated: " + ", ".join(ApiToken.Scope.values),
        )
        create.add_argument("--organisation", help="ODS code or exact name of the organisation")
        sub.add_parser("list", help="List tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="Revoke a token by name")
        revoke.add_argument("name")

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _create(self, name, scopes, organisation=None, **_):
        org = None
        if organisation:
            org = (
                Organisation.objects.filter(ods_code=organisation.upper()).first()
                or Organisation.objects.filter(name=organisation).first()
            )
            if org is None:
                raise CommandError(f"No organisation with ODS code or name '{organisation}'.")
        if ApiToken.objects.filter(name=name).exists():
            raise CommandError(f"A token called '{name}' exists already. Choose another name.")
        try:
            _, plain = api_token_create(
                name=name,
                scopes=[s.strip() for s in scopes.split(",") if s.strip()],
                organisation=org,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stderr.write(f"Token '{name}' created. Copy it now: it is not shown again.")
        self.stdout.write(plain)

    def _list(self, **_):
        for token in ApiToken.objects.order_by("name"):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(f"{token.name}\t{state}\t{','.join(token.scopes)}\t{token.prefix}")

    def _revoke(self, name, **_):
        token = ApiToken.objects.filter(name=name).first()
        if token is None:
            raise CommandError(f"No token called '{name}'.")
        api_token_revoke(token=token)
        self.stdout.write(f"Token '{name}' revoked.")
