// A real OAuth 2.0 / OpenID Connect authorization server (node's oidc-provider) for anytoken's tests.
// Started by scripts/oidc_server.py, which passes everything through the environment:
//   OIDC_PROVIDER_ENTRY  file:// URL of oidc-provider's lib/index.js (installed into the cache by npm)
//   OIDC_CONFIG          JSON {issuer, port, clients: [...], resource, scopes: [...]}
// Client credentials, introspection, revocation and resource indicators are enabled; every client
// authentication method is allowed (each client registers its own token_endpoint_auth_method).
const config = JSON.parse(process.env.OIDC_CONFIG);
const { default: Provider, errors } = await import(process.env.OIDC_PROVIDER_ENTRY);

const resourceScope = config.scopes.join(' ');
const provider = new Provider(config.issuer, {
  clients: config.clients,
  scopes: ['openid', 'offline_access', ...config.scopes, ...(config.forbidden_scopes || [])],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => undefined,
      useGrantedResource: async () => false,
      getResourceServerInfo: async (ctx, resourceIndicator) => {
        if (resourceIndicator !== config.resource) {
          throw new errors.InvalidTarget();
        }
        return { scope: resourceScope, audience: config.resource, accessTokenTTL: 600, accessTokenFormat: 'opaque' };
      },
    },
  },
  ttl: { ClientCredentials: 600 },
});
provider.proxy = false;
const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${config.issuer}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
