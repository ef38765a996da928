// A real OpenID Connect provider for Wellspring's sign-in tests (node's oidc-provider, pinned in
// package.json; installed by scripts/setup.sh). Usage: node provider.js PORT REDIRECT_URI...
// One confidential client `wellspring` (secret `test-secret`) may redirect to the given URIs.
// Anyone signs in at the development login form with one of the logins below (any password).
import Provider from "oidc-provider";

const [port, ...redirects] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

// login -> claims: a member (by e-mail), a coordinator (by group), someone bound to nobody
const ACCOUNTS = {
  amina: { email: "amina@example.org", email_verified: true, name: "Amina Diallo", groups: [] },
  carla: { email: "carla@example.org", email_verified: true, name: "Carla Coordinator",
           groups: ["wellspring-editors"] },
  nobody: { email: "nobody@example.org", email_verified: true, name: "No Body", groups: [] },
  unverified: { email: "amina@example.org", email_verified: false, name: "Not Amina",
                groups: [] },
};

const configuration = {
  clients: [{
    client_id: "wellspring",
    client_secret: "test-secret",
    redirect_uris: redirects,
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
  conformIdTokenClaims: false, // the scopes' claims go into the ID token itself
  findAccount: async (ctx, id) => {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  // skip the consent screen: the test client is granted what it asks for
  loadExistingGrant: async (ctx) => {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    grant.addOIDCClaims(["email", "email_verified", "name", "groups"]);
    await grant.save();
    return grant;
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["wellspring-test-only"] },
  pkce: { required: () => true },
};

const provider = new Provider(issuer, configuration);
provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`oidc provider listening on ${issuer}`);
});
