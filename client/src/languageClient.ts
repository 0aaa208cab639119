/**
 * The LanguageClient (vscode-languageclient@11) for the ReSim language server, dist/server.js,
 * over Node IPC. Bundled on its own (dist/languageClient.js) and loaded after activation
 * (see lazy.ts): vscode-languageclient takes longer to load than the rest of the extension.
 *
 * Settings reach the server both ways: pulled (`workspace/configuration`, answered by the
 * middleware below with this session's overrides: selected project, sandbox URL, trust) and
 * pushed (`workspace/didChangeConfiguration` with `{resim: EffectiveSettings}`). Credentials go
 * only by the `resim/setCredentials` notification, and only in a trusted workspace.
 */
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  TransportKind,
  type CancellationToken,
  ConfigurationRequest,
  type ConfigurationParams,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { documentSelector } from './documents';
import type { Logger } from './log';
import { CLIENT_COMMANDS_OPTION, SetCredentialsNotification } from '../../protocol';
import type { EffectiveSettings, Session } from './session';

export { ResponseError, WorkDoneProgress } from 'vscode-languageclient/node';

export function createLanguageClient(ctx: vscode.ExtensionContext, session: Session, logger: Logger): LanguageClient {
  const module = ctx.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const channel = logger.asOutputChannel();
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(session.settings.configFiles),
    outputChannel: channel,
    traceOutputChannel: channel,
    initializationOptions: { trusted: vscode.workspace.isTrusted, resim: session.settings, [CLIENT_COMMANDS_OPTION]: true },
    middleware: {
      workspace: {
        // The server pulls `resim` settings: answer with this session's effective values.
        configuration: async (params: ConfigurationParams, token: CancellationToken, next: ConfigurationRequest.HandlerSignature) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          // Each item is answered for its own scope (a config file of one folder of a multi-root
          // workspace gets that folder's `resim.project`), as vscode-eslint does.
          return result.map((value, i) => {
            const item = params.items[i];
            const section = item?.section;
            if (!section || (section !== 'resim' && !section.startsWith('resim.'))) return value;
            const settings = session.settingsFor(item.scopeUri ? client.protocol2CodeConverter.asUri(item.scopeUri) : undefined);
            if (section === 'resim') return { ...(value ?? {}), ...settings };
            const key = section.slice('resim.'.length) as keyof EffectiveSettings;
            return key in settings ? settings[key] : value;
          });
        },
      },
    },
  };
  const client = new LanguageClient('resim', 'ReSim Experience Sync', serverOptions, clientOptions);
  return client;
}

/**
 * Sends the session to a running client: settings (push) and, in a trusted workspace only,
 * credentials. Never logs the credentials.
 */
export async function pushSession(client: LanguageClient, session: Session, logger: Logger): Promise<void> {
  if (!client.isRunning()) return;
  const settings = session.settings;
  await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { resim: settings } });
  if (!settings.workspaceTrusted) {
    logger.info('Workspace not trusted: no credentials sent, no API calls.');
    return;
  }
  const creds = await session.credentials();
  await client.sendNotification(SetCredentialsNotification.method, creds);
  logger.info(`Session: API ${creds.apiUrl ?? '(default)'}, ${session.describeAuth()}, project ${settings.project ?? '(none)'}`);
}
