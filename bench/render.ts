/**
 * `npx tsx bench/render.ts`: writes bench/results.md and the README's table again from
 * bench/results.json (after a note in the JSON was corrected), as `npm run bench` does at its end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { renderMarkdown } from './lib/report';
import { updateReadme } from './run';

const results = JSON.parse(fs.readFileSync(path.join(__dirname, 'results.json'), 'utf8'));
const md = renderMarkdown(results);
fs.writeFileSync(path.join(__dirname, 'results.md'), md);
updateReadme(md);
