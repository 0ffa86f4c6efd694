// DuckDB doing the export's group-by on the same file: period (UTC day), sender, domain, TLS, auth,
// client IP; count, first and last seen; sorted; written as CSV. Usage: node duckdb-export.mjs csv|jsonl IN OUT
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// DuckDB lives in the bench cache (the working directory), not in the package's dependencies.
const entry = createRequire(join(process.cwd(), "noop.js")).resolve("@duckdb/node-api");
const { DuckDBInstance } = await import(pathToFileURL(entry).href);

const [format, input, output] = process.argv.slice(2);
const source = format === "csv" ? `read_csv('${input}', header = true)` : `read_json('${input}', format = 'newline_delimited')`;
const db = await DuckDBInstance.create(":memory:");
const connection = await db.connect();
await connection.run("SET TimeZone = 'UTC'");
await connection.run(`
  COPY (
    SELECT strftime(CAST(timestamp AS TIMESTAMPTZ), '%Y-%m-%d') AS period,
           lower(sender) AS sender,
           regexp_extract(lower(sender), '@([^@]*)$', 1) AS domain,
           tls_version, auth, client_ip,
           count(*) AS messages,
           strftime(min(CAST(timestamp AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%SZ') AS first_seen,
           strftime(max(CAST(timestamp AS TIMESTAMPTZ)), '%Y-%m-%dT%H:%M:%SZ') AS last_seen
    FROM ${source}
    GROUP BY ALL
    ORDER BY period, sender, domain, tls_version, auth, client_ip
  ) TO '${output}' (HEADER, DELIMITER ',')`);
