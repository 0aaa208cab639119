/**
 * "ReSim: Clone Project": pick a project (`resim/listProjects`), choose where to save, write the
 * config the server renders from the project's state (`resim/clone`; it starts with
 * `# resim-project: <name>`), and open it. Clone → preview says "No changes" (docs/sync-rules.md).
 */
import * as vscode from 'vscode';
import { ClientContext, UserError, requireTrust } from '../context';
import type { ProjectRef } from '../../../protocol';
import { CloneRequest, LANGUAGE_ID, ListProjectsRequest, hasProjectComment } from '../../../protocol';
import { ui } from '../ui';

/** Lists the projects the credentials can see, for QuickPicks. */
export async function listProjects(ctx: ClientContext): Promise<ProjectRef[]> {
  const client = await ctx.client();
  return ui.withProgress({ location: vscode.ProgressLocation.Window, title: 'ReSim: listing projects' }, () =>
    client.sendRequest<ListProjectsRequest.Result>(ListProjectsRequest.method, {}),
  );
}

/**
 * A QuickPick of projects; the current one (for `scope`, a folder or config) first, marked with
 * a check and "current". Resolves undefined when dismissed.
 */
export async function pickProject(ctx: ClientContext, title: string, scope?: vscode.Uri): Promise<ProjectRef | undefined> {
  const projects = await listProjects(ctx);
  if (!projects.length) throw new UserError('ReSim: no project is visible with these credentials.');
  const current = ctx.session.projectFor(scope);
  const items = projects
    .map((p) => {
      const isCurrent = p.name === current || p.id === current;
      return {
        label: `${isCurrent ? '$(check) ' : ''}${p.name}`,
        description: isCurrent ? `current · ${p.id}` : p.id,
        picked: isCurrent,
        project: p,
      };
    })
    .sort((a, b) => Number(b.picked) - Number(a.picked) || a.project.name.localeCompare(b.project.name));
  const pick = await ui.showQuickPick(items, { title, placeHolder: 'Project', matchOnDescription: true });
  return pick?.project;
}

/** A file name from a project name: "My Project" → "my-project.experiences.yaml". */
export function cloneFileName(projectName: string): string {
  const slug =
    projectName
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project';
  return `${slug}.experiences.yaml`;
}

export async function cloneProject(ctx: ClientContext): Promise<vscode.Uri | undefined> {
  await requireTrust('Clone Project');
  const project = await pickProject(ctx, 'ReSim: clone which project?');
  if (!project) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await ui.showSaveDialog({
    title: `Save the sync config of ${project.name}`,
    defaultUri: folder ? vscode.Uri.joinPath(folder, cloneFileName(project.name)) : undefined,
    filters: { 'Experience sync config': ['experiences.yaml', 'yaml', 'yml'] },
    saveLabel: 'Clone',
  });
  if (!target) return undefined;
  const client = await ctx.client();
  const { text } = await ui.withProgress({ location: vscode.ProgressLocation.Notification, title: `ReSim: cloning ${project.name}` }, () =>
    client.sendRequest<CloneRequest.Result>(CloneRequest.method, { project: project.id }),
  );
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
  ctx.logger.info(`Cloned project ${project.name} into ${target.fsPath || target.toString()}`);
  const doc = await vscode.workspace.openTextDocument(target);
  if (doc.languageId !== LANGUAGE_ID && hasProjectComment(doc.lineAt(0).text)) {
    await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
  }
  await vscode.window.showTextDocument(doc);
  return target;
}
