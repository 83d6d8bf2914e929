// PostGraphile 4 over Eendracht's own tables, as the comparison in bench/run.sh.
// It connects as the same row-level-security-bound role as Eendracht and sets
// the same `app.tenant_id` per request (pgSettings runs each request in a
// transaction with set_config, as Eendracht does), so both pay for RLS.
const http = require("http");
const { postgraphile } = require("postgraphile");

const databaseUrl = process.env.DATABASE_URL;
const tenantId = process.env.TENANT_ID;
const port = Number(process.env.PORT || 15000);
if (!databaseUrl || !tenantId) {
  console.error("DATABASE_URL and TENANT_ID are required");
  process.exit(2);
}

const middleware = postgraphile(databaseUrl, "public", {
  pgSettings: { "app.tenant_id": tenantId },
  disableQueryLog: true,
  retryOnInitFail: false,
  ignoreRBAC: false,
  setofFunctionsContainNulls: false,
  enableQueryBatching: false,
  graphiql: false,
});

http.createServer(middleware).listen(port, "127.0.0.1", () => {
  console.error(`PostGraphile listening on http://127.0.0.1:${port}/graphql`);
});
