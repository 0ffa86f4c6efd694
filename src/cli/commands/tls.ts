import type { Command } from "commander";
import { categoryView, pivotCommand } from "../pivot.js";

/** `tls`: TLS Usage, the share of each TLS version per period (`--details`: Microsoft's wide table per sender). */
export function tlsCommand(): Command {
  return pivotCommand("tls", "TLS Usage: share of TLS versions per period; --details: one row per sender, legacy TLS first", categoryView("tls"), true);
}
