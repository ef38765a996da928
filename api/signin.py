"""OpenID Connect sign-in (issue #28): the community's provider, through Authlib.

Discovery (``<issuer>/.well-known/openid-configuration``), the authorization code flow with
PKCE (S256), a ``state`` and a ``nonce`` per attempt, and the ID token verified against the
provider's published keys: signature (asymmetric algorithms only), issuer, audience (this
client), expiry and nonce. The verified claims then bind to a person (``bind``): a coordinator
through the configured groups (role and spaces), a member through ``sign_in_email`` equal to the
provider's *verified* e-mail. An identity that binds to nobody is refused (``NotBound``), and
the page says so.

The attempt's state, nonce and PKCE verifier travel in a short-lived HttpOnly cookie bound to
the browser that started it, so any replica can finish the sign-in.
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client

with warnings.catch_warnings():  # authlib 1.x deprecates authlib.jose for joserfc (same
    warnings.simplefilter("ignore", DeprecationWarning)  # authors); kept until the move
    from authlib.jose import JsonWebKey, JsonWebToken
    from authlib.jose.errors import JoseError
    from authlib.oidc.core import CodeIDToken
from joserfc.errors import InvalidKeyIdError
from joserfc.errors import JoseError as JoseRfcError

from api.settings import SignInSettings
from indexing.community import Community
from indexing.errors import WellspringError
from indexing.store.sessions import Identity

log = logging.getLogger(__name__)

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]
PENDING_TTL_S = 600  # an attempt must come back from the provider within ten minutes
METADATA_TTL_S = 3600
LEEWAY_S = 60  # clock skew allowed on exp / iat / nbf
_SPACE_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")
_PENDING_RE = re.compile(r"^[A-Za-z0-9_\-]{20,100}$")


class SignInFailed(WellspringError):
    """The provider's answer could not be verified (bad state, token, signature, claims...)."""


class NotBound(WellspringError):
    """A verified identity that is neither a coordinator (groups) nor a member (e-mail)."""

    def __init__(self, who: str) -> None:
        self.who = who
        super().__init__(f"{who} signed in at the provider, but is neither a member nor a "
                         "coordinator of this community")


@dataclass(frozen=True)
class Pending:
    """One sign-in attempt: what the callback must match (kept in the browser's cookie)."""

    state: str
    nonce: str
    verifier: str

    def cookie(self) -> str:
        return f"{self.state}.{self.nonce}.{self.verifier}"

    @classmethod
    def parse(cls, value: str | None) -> Pending | None:
        parts = (value or "").split(".")
        if len(parts) != 3 or not all(_PENDING_RE.match(p) for p in parts):
            return None
        return cls(*parts)

    @classmethod
    def new(cls) -> Pending:
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))


@dataclass(frozen=True)
class Claims:
    """What the verified ID token says of the person."""

    subject: str
    name: str
    email: str | None  # only when the provider says it is verified
    groups: tuple[str, ...]
    spaces: tuple[str, ...]


class SignIn:
    """The OpenID Connect client of one provider (settings ``oidc_*``). Discovery and the
    provider's keys are fetched on first use and cached (the keys again when a token names a
    key id not yet seen, as after the provider rotates its keys)."""

    def __init__(self, settings: SignInSettings,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._transport = transport
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: Any = None

    # -- the provider's documents -------------------------------------------------------------
    def _get_json(self, url: str) -> dict[str, Any]:
        with httpx.Client(timeout=self.settings.oidc_timeout_s, transport=self._transport) as c:
            response = c.get(url)
            response.raise_for_status()
            data = response.json()
        if not isinstance(data, dict):
            raise SignInFailed(f"the provider's {url} is not a JSON object")
        return data

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (its issuer must be the configured one)."""
        with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_TTL_S:
                issuer = self.settings.oidc_issuer
                data = self._get_json(f"{issuer}/.well-known/openid-configuration")
                if data.get("issuer", "").rstrip("/") != issuer:
                    raise SignInFailed("the provider's discovery names another issuer")
                self._metadata, self._metadata_at = data, time.monotonic()
                self._keys = None
            return self._metadata

    def _key_set(self, refresh: bool = False) -> Any:
        if self._keys is None or refresh:
            self._keys = JsonWebKey.import_key_set(self._get_json(self.metadata()["jwks_uri"]))
        return self._keys

    def _client(self, redirect_uri: str) -> OAuth2Client:
        secret = self.settings.oidc_client_secret
        return OAuth2Client(
            client_id=self.settings.oidc_client_id,
            client_secret=secret.get_secret_value() if secret else None,
            scope=self.settings.oidc_scopes, redirect_uri=redirect_uri,
            code_challenge_method="S256", timeout=self.settings.oidc_timeout_s,
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
            transport=self._transport)

    # -- the flow -----------------------------------------------------------------------------
    def start(self, redirect_uri: str) -> tuple[str, Pending]:
        """Where to send the browser, and the attempt to remember in its cookie."""
        pending = Pending.new()
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.metadata()["authorization_endpoint"], state=pending.state,
                nonce=pending.nonce, code_verifier=pending.verifier)
        return url, pending

    def finish(self, code: str, state: str, pending: Pending | None, redirect_uri: str
               ) -> Claims:
        """The verified claims of the person the provider sent back (``SignInFailed``
        otherwise): the state must be this browser's, the code is exchanged with the PKCE
        verifier, and the ID token verified."""
        if pending is None or not secrets.compare_digest(state, pending.state):
            raise SignInFailed("the sign-in came back without this browser's state: start again")
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(self.metadata()["token_endpoint"], code=code,
                                           code_verifier=pending.verifier)
        except (httpx.HTTPError, AuthlibBaseError, ValueError, KeyError) as exc:
            raise SignInFailed(f"the provider refused the code: {exc}") from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise SignInFailed("the provider sent no ID token")
        return self.verify(id_token, pending.nonce, token.get("access_token"))

    def verify(self, id_token: str, nonce: str, access_token: str | None = None) -> Claims:
        """An ID token's claims, once its signature, issuer, audience, expiry and nonce check
        out (``SignInFailed`` naming what did not)."""
        claims = self._decode(id_token, nonce, access_token, refresh=False)
        return self._claims(claims)

    def _decode(self, id_token: str, nonce: str, access_token: str | None, refresh: bool
                ) -> Any:
        jwt = JsonWebToken(ALGORITHMS)
        options = {"iss": {"essential": True, "value": self.settings.oidc_issuer},
                   "aud": {"essential": True, "value": self.settings.oidc_client_id},
                   "exp": {"essential": True}, "nonce": {"essential": True, "value": nonce}}
        params = {"nonce": nonce, "client_id": self.settings.oidc_client_id,
                  "access_token": access_token}
        try:
            claims = jwt.decode(id_token, self._key_set(refresh), claims_cls=CodeIDToken,
                                claims_options=options, claims_params=params)
            claims.validate(leeway=LEEWAY_S)
        except (ValueError, InvalidKeyIdError) as exc:  # an unknown key id: the provider may
            if not refresh:  # have rotated its keys
                return self._decode(id_token, nonce, access_token, refresh=True)
            raise SignInFailed(f"the ID token cannot be verified: {exc}") from exc
        except (JoseError, JoseRfcError) as exc:  # authlib 1.9 raises joserfc's errors
            raise SignInFailed(f"the ID token was refused: {exc}") from exc
        return claims

    def _claims(self, claims: Any) -> Claims:
        sub = str(claims["sub"])
        email = claims.get("email")
        verified = claims.get("email_verified") is True
        groups = _strings(claims.get(self.settings.oidc_role_claim))
        spaces: tuple[str, ...] = ()
        if self.settings.oidc_spaces_claim:
            spaces = tuple(s for s in _strings(claims.get(self.settings.oidc_spaces_claim))
                           if _SPACE_RE.match(s))
        name = str(claims.get("name") or claims.get("preferred_username") or email or sub)
        return Claims(subject=sub, name=name[:200],
                      email=email.strip().lower() if isinstance(email, str) and verified else None,
                      groups=groups, spaces=spaces)

    # -- who the claims are -------------------------------------------------------------------
    def bind(self, claims: Claims, member_by_email: Callable[[str], tuple[str, str] | None]
             ) -> Identity:
        """The person these claims are: a coordinator by group (admin, editor, reader: the
        highest wins) and/or a member by verified e-mail; ``NotBound`` when neither."""
        member = member_by_email(claims.email) if claims.email else None
        role = self.role_of(claims.groups)
        if role is None and member is None:
            raise NotBound(claims.email or claims.name)
        subject = f"oidc:{claims.subject}"
        if role is None:
            assert member is not None
            return Identity(subject=subject, name=member[1], role="member", member_id=member[0])
        return Identity(subject=subject, name=claims.name, role=role,
                        member_id=member[0] if member else None,
                        spaces=claims.spaces if role != "admin" else ())

    def role_of(self, groups: Iterable[str]) -> str | None:
        held = set(groups)
        for role, names in (("admin", self.settings.oidc_admin_groups),
                            ("editor", self.settings.oidc_editor_groups),
                            ("reader", self.settings.oidc_reader_groups)):
            if held & set(names):
                return role
        return None


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace(",", " ").split() if v)
    if isinstance(value, list | tuple):
        return tuple(str(v)[:200] for v in value[:200] if isinstance(v, str | int))
    return ()


def member_finder(community: Community | None) -> Callable[[str], tuple[str, str] | None]:
    """(id, name) of the visible member whose ``sign_in_email`` is this address, if any (read
    at each sign-in, so an edit of the member binds the next sign-in)."""

    def find(email: str) -> tuple[str, str] | None:
        if community is None:
            return None
        for member in community.store.members():
            if member.sign_in_email == email and not member.hidden:
                return member.id, member.name
        return None

    return find
