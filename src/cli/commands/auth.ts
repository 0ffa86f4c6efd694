import type { Command } from "commander";
import { categoryView, pivotCommand } from "../pivot.js";

/** `auth`: Authentication Protocol, Basic vs OAuth per period (`--details`: per sender, Basic first). */
export function authCommand(): Command {
  return pivotCommand("auth", "Authentication: share of basic, oauth and unknown per period; --details: one row per sender, Basic first", categoryView("auth"), true);
}
