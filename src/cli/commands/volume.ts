import type { Command } from "commander";
import { VOLUME_VIEW, pivotCommand } from "../pivot.js";

/** `volume`: Sending Volume, messages per period by sender domain (`--details`: per sender). */
export function volumeCommand(): Command {
  return pivotCommand("volume", "Sending Volume: messages per period by domain; --details: one row per sender", VOLUME_VIEW, false);
}
