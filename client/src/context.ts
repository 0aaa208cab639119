/** What every command needs: the running client, the session, the log, the plan view, the status bar. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Logger } from './log';
import type { PlanView } from './planView';
import type { Session } from './session';
import type { StatusBar } from './statusBar';
import { ui } from './ui';
import { showProblem, unavailableReason } from './problems';

export interface ClientContext {
  readonly ext: vscode.ExtensionContext;
  readonly session: Session;
  readonly logger: Logger;
  readonly planView: PlanView;
  readonly statusBar: StatusBar;
  /** The started language client; rejects with a user-facing message when the server is not running. */
  client(): Promise<LanguageClient>;
}

/** Thrown for problems the user can act on; commands show `message` as is. */
export class UserError extends Error {}

/**
 * Rejects when the workspace is not trusted (docs/security.md: an untrusted workspace makes no API call), after
 * telling the user how to trust it.
 */
export async function requireTrust(what: string): Promise<void> {
  if (vscode.workspace.isTrusted) return;
  const choice = await ui.showWarningMessage(
    `ReSim: ${what} calls the ReSim API, which is off in Restricted Mode. Trust this workspace to use it.`,
    'Manage Workspace Trust',
  );
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  throw new UserError('');
}

/**
 * Runs a command body; shows UserErrors as they are, a project that cannot be reached as one
 * sentence with the buttons that fix it (problems.ts), and other errors with a pointer to the log.
 */
export function guarded<A extends unknown[]>(
  ctx: ClientContext,
  name: string,
  fn: (...args: A) => Promise<unknown>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof UserError) {
        if (err.message) void ui.showErrorMessage(err.message);
        return;
      }
      const unavailable = unavailableReason(err);
      if (unavailable) {
        ctx.logger.warn(`${name}: ${unavailable.message}`);
        await showProblem(unavailable.reason, unavailable.message, ctx.session.settings.apiUrl ?? undefined);
        return;
      }
      ctx.logger.error(`${name} failed`, err);
      const choice = await ui.showErrorMessage(`ReSim: ${name} failed: ${errorMessage(err)}`, 'Show Output');
      if (choice) ctx.logger.show();
    }
  };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
