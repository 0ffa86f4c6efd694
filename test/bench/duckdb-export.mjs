// DuckDB doing the export's group-by on the same file: period (UTC day), sender, domain, TLS, auth,
// client IP; count, first and last seen; sorted; written as CSV. The JSONL inputs carry OpenSSL's TLS
// names and SASL mechanisms, which DuckDB maps to the canonical values as our reader does.
// Usage: node duckdb-export.mjs csv|jsonl IN OUT
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// DuckDB lives in the bench cache (the working directory), not in the package's dependencies.
const entry = createRequire(join(process.cwd(), "noop.js")).resolve("@duckdb/node-api");
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

const [format, input, output] = process.argv.slice(2);
const source = format === "csv" ? `read_csv('${input}', header = true)` : `read_json('${input}', format = 'newline_delimited')`;
const tls = format === "csv" ? "tls_version" : `CASE tls_version WHEN 'TLSv1' THEN 'TLS1.0' WHEN 'TLSv1.1' THEN 'TLS1.1' WHEN 'TLSv1.2' THEN 'TLS1.2' WHEN 'TLSv1.3' THEN 'TLS1.3' ELSE tls_version END`;
const auth = format === "csv" ? "auth" : `CASE WHEN auth IN ('LOGIN', 'PLAIN') THEN 'basic' WHEN auth = 'XOAUTH2' THEN 'oauth' ELSE 'unknown' END`;
const db = await DuckDBInstance.create(":memory:");
const connection = await db.connect();
await connection.run("SET TimeZone = 'UTC'");
await connection.run(`
  COPY (
    SELECT strftime(CAST(timestamp AS TIMESTAMPTZ), '%Y-%m-%d') AS period,
           lower(sender) AS sender,
           regexp_extract(lower(sender), '@([^@]*)$', 1) AS domain,
           ${tls} AS tls_version, ${auth} AS auth, client_ip,
           count(*) AS messages,
           strftime(min(CAST(timestamp AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%SZ') AS first_seen,
           strftime(max(CAST(timestamp AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%SZ') AS last_seen
    FROM ${source}
    GROUP BY ALL
    ORDER BY period, sender, domain, tls_version, auth, client_ip
  ) TO '${output}' (HEADER, DELIMITER ',')`);
