// A real OpenID Connect provider for the browser tests (the certified `oidc-provider` package, from npm),
// on this machine only: `node tests/e2e/oidc/provider.mjs` with
//   OIDC_PORT          the port to listen on (127.0.0.1)
//   OIDC_REDIRECT_URI  the app's /oauth2callback address (the one client's only redirect URI)
// It prints "ready <issuer>" once it listens. Authorization code flow with PKCE, signed ID tokens
// (a fresh RS256 key each run), discovery at /.well-known/openid-configuration.
//
// People (any of them signs in with the password "provider passphrase"):
//   dee@council.example    groups ["voice-dsl"]            a safeguarding lead
//   gus@council.example    groups ["voice-facilitators"]   disabled in the app's own user table by the test
//   sam@elsewhere.example  no groups                       unknown to the app: must get no access
// The sign-in page is our own small form (no consent screen: the app is the partnership's own client).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT || 4010);
const redirectUri = process.env.OIDC_REDIRECT_URI;
if (!redirectUri) throw new Error('OIDC_REDIRECT_URI is required');
const issuer = `http://127.0.0.1:${port}`;
const PASSWORD = 'provider passphrase';

const people = {
  'dee@council.example': { name: 'Dee Lead', groups: ['voice-dsl'] },
  'gus@council.example': { name: 'Gus Facilitator', groups: ['voice-facilitators'] },
  'sam@elsewhere.example': { name: 'Sam Stranger', groups: [] },
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'voice-app',
    client_secret: 'voice-app-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ['test-only cookie signing key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username', 'groups'] },
  conformIdTokenClaims: false, // put the scopes' claims in the ID token itself, as Entra ID does
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const person = people[id];
    if (!person) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, preferred_username: id, ...person };
      },
    };
  },
});

const page = (uid, message = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Council sign-in</title></head><body><h1>Council sign-in</h1><p>${message}</p>
<form method="post" action="/interaction/${uid}">
<label>Email <input name="login" type="email" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in to the council</button></form></body></html>`;

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function grantConsent(details) {
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  return grant.save();
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'consent') { // the partnership's own app: no consent screen
    const grantId = await grantConsent(details);
    return provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page(match[1]);
    return undefined;
  }
  const form = await readForm(ctx.req);
  const login = (form.get('login') || '').trim().toLowerCase();
  if (!people[login] || form.get('password') !== PASSWORD) {
    ctx.type = 'html';
    ctx.body = page(match[1], 'Wrong email or password.');
    return undefined;
  }
  return provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
});

provider.listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
