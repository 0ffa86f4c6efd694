import { UsageError } from "../core/errors.js";

/** The record fields a column can supply. */
export type Field = "timestamp" | "sender" | "tls_version" | "auth" | "client_ip" | "messages" | "domain" | "last_seen";

/**
 * Accepted column names per field, in order: the first one present wins (SPEC "Inputs"; the names
 * after the SPEC's are other exports' spellings: Entra's `IP address`, Elastic's `source.address`).
 */
export const COLUMN_ALIASES: Readonly<Record<Field, readonly string[]>> = {
  timestamp: ["timestamp", "time", "date", "datetime", "date_time", "date-time", "received", "period", "origin_timestamp"],
  sender: ["sender", "sender_address", "user", "username", "userid", "user_id", "upn", "sasl_username", "account", "mail_from", "from", "user_principal_name"],
  tls_version: ["tls_version", "tls", "tlsversion", "tls_protocol"],
  auth: ["auth", "auth_method", "authentication", "sasl_method", "authentication_protocol", "mechanism"],
  client_ip: ["client_ip", "clientip", "ip", "client", "remote_ip", "source_ip", "original_client_ip", "c-ip", "client_ip_address", "ip_address", "source_address"],
  messages: ["messages", "message_count", "messagecount", "count", "messages_sent", "volume"],
  domain: ["domain", "sender_domain"],
  // Read only beside a `first_seen` column (an export of ours), which is then the timestamp.
  last_seen: ["last_seen"],
};

const FIELDS = Object.keys(COLUMN_ALIASES) as Field[];

// A zone said at the end of a column name: `Date (UTC)`, `origin_timestamp_utc`, `time GMT`.
const ZONE_SUFFIX = /(?:\(\s*(?:utc|gmt|z)\s*\)|[\s_.\-](?:utc|gmt))\s*$/i;

/**
 * A column name as matched: lower-case, without spaces `_ - .`, a leading `@` (Elastic's `@timestamp`),
 * a trailing `(...)` or a trailing zone (`_utc`, as Exchange Online's `origin_timestamp_utc`).
 */
export function squeezeColumnName(name: string): string {
  return name.replace(/^\uFEFF/, "").trim().replace(/^@/, "").replace(ZONE_SUFFIX, "").replace(/\([^)]*\)\s*$/, "").toLowerCase().replace(/[\s_.\-]/g, "");
}

/** Where each field is in a header (column index), and how to read naive timestamps. */
export interface ColumnMap {
  index: Partial<Record<Field, number>> & { timestamp: number; sender: number };
  /** The timestamp column's header says its times are UTC, e.g. `Date (UTC)`, `origin_timestamp_utc`. */
  timestampInUtc: boolean;
}

/** Parses `--map field=Column` values into a field → column-name map, or a usage error. */
export function parseColumnMaps(maps: string[]): Map<Field, string> {
  const result = new Map<Field, string>();
  for (const map of maps) {
    const eq = map.indexOf("=");
    const field = (eq > 0 ? map.slice(0, eq).trim().toLowerCase().replace(/-/g, "_") : "") as Field;
    const column = eq > 0 ? map.slice(eq + 1).trim() : "";
    const named = field === ("tls" as Field) ? "tls_version" : field === ("ip" as Field) ? "client_ip" : field;
    if (!FIELDS.includes(named) || column === "") {
      throw new UsageError(`--map: '${map}' is not field=Column; fields are ${FIELDS.join(", ")}`);
    }
    result.set(named, column);
  }
  return result;
}

/**
 * Finds the column of every field in a header. A required field without a column is a usage error
 * that shows the header found and the names accepted.
 */
export function resolveColumns(header: string[], maps: Map<Field, string>, source: string): ColumnMap {
  const squeezed = header.map(squeezeColumnName);
  const index: Partial<Record<Field, number>> = {};
  for (const field of FIELDS) {
    const mapped = maps.get(field);
    if (mapped !== undefined) {
      let at = header.indexOf(mapped);
      if (at < 0) at = squeezed.indexOf(squeezeColumnName(mapped));
      if (at < 0) {
        throw new UsageError(`${source}: --map ${field}=${mapped}: no such column; header found: ${describeHeader(header)}`);
      }
      index[field] = at;
      continue;
    }
    for (const alias of COLUMN_ALIASES[field]) {
      const at = squeezed.indexOf(squeezeColumnName(alias));
      if (at >= 0) {
        index[field] = at;
        break;
      }
    }
  }
  // An export fed back: its first_seen (not its period's start) is the timestamp, and its last_seen
  // the records' last seen, so that reading it again gives the same first and last seen.
  const firstSeen = squeezed.indexOf("firstseen");
  if (index.last_seen !== undefined && firstSeen >= 0 && !maps.has("timestamp")) index.timestamp = firstSeen;
  else if (firstSeen < 0 && !maps.has("last_seen")) delete index.last_seen;
  for (const field of ["timestamp", "sender"] as const) {
    if (index[field] === undefined) {
      throw new UsageError(
        `${source}: no ${field} column; header found: ${describeHeader(header)}; accepted names: ${COLUMN_ALIASES[field].join(", ")}; or name it with --map ${field}=COLUMN`,
      );
    }
  }
  const timestampHeader = header[index.timestamp!] ?? "";
  return {
    index: index as ColumnMap["index"],
    timestampInUtc: ZONE_SUFFIX.test(timestampHeader),
  };
}

function describeHeader(header: string[]): string {
  const shown = header.slice(0, 20).map((h) => JSON.stringify(h.length > 40 ? `${h.slice(0, 40)}…` : h));
  return header.length > 20 ? `${shown.join(", ")} … (${header.length} columns)` : shown.join(", ");
}
