/**
 * Terminal colours of the CLI: the one place that writes ANSI escapes. The engine's text
 * rendering (server/src/sync/render.ts) names a role (`create`, `error`, …) and the CLI paints it.
 */

/** What a piece of text is, for colouring. */
export type PaintRole = 'create' | 'update' | 'restore' | 'archive' | 'unchanged' | 'heading' | 'error' | 'warning' | 'information';

/** Colours `text` for its role; the identity when colour is off. */
export type Paint = (role: PaintRole, text: string) => string;

const RESET = '\x1b[0m';
const ANSI: Record<PaintRole, string> = {
  create: '\x1b[32m',
  update: '\x1b[33m',
  restore: '\x1b[36m',
  archive: '\x1b[31m',
  unchanged: '\x1b[2m',
  heading: '\x1b[1m',
  error: '\x1b[31m',
  warning: '\x1b[33m',
  information: '\x1b[36m',
};

/** A painter: ANSI colours when `color` (stdout is a terminal and NO_COLOR is unset), else plain text. */
export function paint(color: boolean): Paint {
  return color ? (role, text) => `${ANSI[role]}${text}${RESET}` : (_role, text) => text;
}
