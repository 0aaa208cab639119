/**
 * Problems (server/src/sync/problems.ts) in the formats CI reads: SARIF 2.1.0 for code scanning
 * (`validate --format sarif`, built with node-sarif-builder) and GitHub workflow commands
 * (`validate --format github`: `::error file=…,line=…,col=…,title=…::message`, written and
 * escaped by @actions/core as GitHub requires). docs/ci.md shows both in a workflow. Messages are
 * written with `escapeVisible` (security/text.ts), as everywhere a person reads them.
 */
import * as core from '@actions/core';
import { SarifBuilder, SarifResultBuilder, SarifRuleBuilder, SarifRunBuilder } from 'node-sarif-builder';
import type { Log } from 'sarif';
import type { Problem } from '../sync/problems';
import { escapeVisible } from '../security/text';
import { VERSION } from '../version';

/** The tool's name in SARIF and in annotation titles. */
export const TOOL_NAME = 'resim-sync';
/** Where each diagnostic code is documented (SARIF `helpUri`). */
export const DIAGNOSTICS_DOC_URL = 'https://github.com/resim-ai/resim-experience-sync/blob/main/docs/diagnostics.md';

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note' } as const;

/** A file path as a SARIF artifact URI: forward slashes, each segment percent-encoded (relative paths stay relative). */
export function artifactUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/**
 * A SARIF 2.1.0 log with one run of `resim-sync` and one result per problem: `ruleId` is the
 * diagnostic code (docs/diagnostics.md), `level` error/warning/note, the region the 1-based
 * line and column (a problem without a position points at the file only). One rule per code used.
 */
export function problemsSarif(file: string, problems: Problem[]): Log {
  const run = new SarifRunBuilder().initSimple({ toolDriverName: TOOL_NAME, toolDriverVersion: VERSION, url: DIAGNOSTICS_DOC_URL });
  for (const code of [...new Set(problems.map((p) => p.code))])
    run.addRule(
      new SarifRuleBuilder().initSimple({
        ruleId: code,
        shortDescriptionText: `resim-sync diagnostic ${code}`,
        helpUri: `${DIAGNOSTICS_DOC_URL}#${code}`,
      }),
    );
  for (const p of problems)
    run.addResult(
      new SarifResultBuilder().initSimple({
        level: SARIF_LEVEL[p.severity],
        messageText: escapeVisible(p.message),
        ruleId: p.code,
        fileUri: artifactUri(file),
        ...(p.line ? { startLine: p.line, startColumn: p.column ?? 1 } : {}),
      }),
    );
  const log = new SarifBuilder();
  log.addRun(run);
  return log.buildSarifOutput();
}

/**
 * Writes one GitHub workflow command per problem to stdout (`::error`, `::warning`, `::notice`),
 * with the file, line, column and the code as the title; @actions/core escapes `%`, CR, LF (and
 * `:` and `,` in properties) as GitHub requires.
 */
export function writeGithubAnnotations(file: string, problems: Problem[]): void {
  for (const p of problems) {
    const props: core.AnnotationProperties = {
      title: `${TOOL_NAME}: ${p.code}`,
      file,
      ...(p.line ? { startLine: p.line, startColumn: p.column ?? 1 } : {}),
    };
    const message = escapeVisible(p.message);
    if (p.severity === 'error') core.error(message, props);
    else if (p.severity === 'warning') core.warning(message, props);
    else core.notice(message, props);
  }
}
