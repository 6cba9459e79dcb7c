// A real OAuth2 / OpenID Connect server for Agora's tests, built on npm's oauth2-mock-server: discovery, JWKS,
// RS256-signed ID tokens, authorization code flow with PKCE (S256) and nonce. Its /authorize redirects back at
// once (no login form), as the signed-in person set through the control endpoint.
//
//   node end2end/oidc/server.mjs PORT      prints "ready ISSUER_URL" when listening on 127.0.0.1:PORT
//
//   POST /__control  {"sub": "...", "email": "...", "name": "...", "email_verified": true, "iss": "..."}
//                    sets who signs in next (kept until changed; "iss" forges a foreign issuer for a test;
//                    "public_email" is the GitHub-style profile email, which nobody verified)
//   GET  /user, GET /user/emails   a GitHub-style user API for the access token, so the GitHub provider
//                    can be exercised against a real OAuth2 server.
import http from 'node:http';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const port = Number(process.argv[2] ?? 0);
const host = '127.0.0.1';

const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

let person = {
  sub: 'oidc-casey',
  email: 'casey.jordan@example.com',
  email_verified: true,
  name: 'Casey Jordan',
};
let forgedIssuer = null;

service.on('beforeTokenSigning', (token) => {
  const { iss, public_email, ...claims } = person;
  Object.assign(token.payload, claims);
  if (forgedIssuer) token.payload.iss = forgedIssuer;
});
service.on('beforeUserinfo', (response) => {
  const { public_email, ...claims } = person;
  response.body = claims;
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const handler = service.requestHandler;
const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://${host}`);
  if (req.method === 'POST' && url.pathname === '/__control') {
    const body = JSON.parse((await readBody(req)) || '{}');
    forgedIssuer = body.iss ?? null;
    const { iss, ...rest } = body;
    person = { ...person, ...rest };
    return json(res, 200, { person, forgedIssuer });
  }
  if (req.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) {
    if (!(req.headers.authorization ?? '').startsWith('Bearer ')) return json(res, 401, { message: 'Requires authentication' });
    if (url.pathname === '/user') {
      return json(res, 200, {
        id: Math.abs([...person.sub].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7)),
        login: person.sub,
        name: person.name,
        email: person.public_email ?? null,
        avatar_url: null,
      });
    }
    return json(res, 200, [{ email: person.email, primary: true, verified: person.email_verified !== false }]);
  }
  handler(req, res);
});

server.listen(port, host, () => {
  const actual = server.address().port;
  issuer.url = `http://${host}:${actual}`;
  console.log(`ready ${issuer.url}`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
