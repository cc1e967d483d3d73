from ninja.errors import HttpError
from ninja.security import HttpBearer

from tutti.accounts.tokens import api_token_check


class TokenAuth(HttpBearer):
    """Bearer token with a required scope: 401 without a valid token, 403 without the scope."""

    def __init__(self, scope):
        self.scope = scope
        super().__init__()

    def authenticate(self, request, token):
        api_token = api_token_check(token)
        if api_token is None:
            return None
        request.api_token = api_token  # for the API call's audit record, refused or not
        if not api_token.has_scope(self.scope):
            raise HttpError(403, f"This token does not have the '{self.scope}' scope.")
        return api_token
