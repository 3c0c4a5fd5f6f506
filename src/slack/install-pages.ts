import type { ServerResponse } from 'node:http';
import type { Installation } from '@slack/bolt';

/*
 * The two pages an installer sees in the browser around Slack's own: "Add to Slack" (`/slack/install`) and the
 * page after Slack sends them back (`/slack/oauth_redirect`). Bolt's defaults say "Slack App Installation" and
 * "Thank you!"; these say what Cascade is and what happens next.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const html = (s: string) => s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${html(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1d1c1d;line-height:1.5}
h1{font-size:1.5rem;margin-bottom:.25rem}p.lead{color:#454245;margin-top:0}
a.add{display:inline-block;margin:1rem 0;padding:.6rem 1.2rem;border-radius:6px;background:#4a154b;color:#fff;text-decoration:none;font-weight:600}
small{color:#616061}</style></head><body>${body}</body></html>`;
}

/** `/slack/install`: what Cascade is, and the button that takes the installer to Slack's authorisation page. */
export function installPage(url: string): string {
  return page(
    'Add Cascade to Slack',
    `<h1>Cascade</h1><p class="lead">Sales excellence as a habit, from the top down: the conversations a sales
organisation should have at every level, scheduled, asked, followed up, and shown rolling up the chain.</p>
<a class="add" href="${html(url)}">Add to Slack</a>
<p><small>Whoever adds Cascade becomes its admin in that workspace and gets a message with the two first steps.
On Enterprise Grid, an org admin can add it once for the whole organisation, then choose its workspaces.</small></p>`,
  );
}

/** After Slack sent the installer back: installed, where, and where to look next. */
export function installedPage(installation: Installation, res: ServerResponse): void {
  const name = installation.team?.name ?? installation.enterprise?.name ?? 'your workspace';
  const team = installation.team?.id;
  const open = team && installation.appId ? `slack://app?team=${team}&id=${installation.appId}&tab=home` : 'slack://open';
  const orgWide = installation.isEnterpriseInstall === true;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    page(
      'Cascade is installed',
      `<h1>Cascade is installed in ${html(name)}</h1>
<p class="lead">${
        orgWide
          ? 'It serves your whole organisation: add it to the workspaces that should have it (Slack admin → Apps), then open it in Slack.'
          : 'Open it in Slack: Cascade has sent you the two first steps, and its Home tab shows them until they are done.'
      }</p>
<a class="add" href="${html(open)}">Open Slack</a>${
        team ? `<p><small>Slack in the browser: <a href="https://app.slack.com/client/${html(team)}">app.slack.com</a></small></p>` : ''
      }`,
    ),
  );
}

/** The installer's mistakes (a cancelled install, an old or foreign link) are 400; anything else is ours, 500. */
const THEIRS: Record<string, string> = {
  slack_oauth_installer_authorization_error: 'The install was cancelled on Slack’s page.',
  slack_oauth_missing_state: 'This link is not from the “Add to Slack” page.',
  slack_oauth_invalid_state: 'This link is from another browser or has expired.',
  slack_oauth_missing_code: 'Slack sent no authorisation with this link.',
};

/** When an install did not complete: why, in words, and where to start again. Nothing was kept. */
export function notInstalledPage(code: string, res: ServerResponse): void {
  const why = THEIRS[code];
  res.writeHead(why ? 400 : 500, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    page(
      'Cascade was not installed',
      `<h1>Cascade was not installed</h1><p class="lead">${html(why ?? 'Something went wrong on our side while Slack handed the install over.')}
Nothing was kept.</p><a class="add" href="/slack/install">Start again</a>`,
    ),
  );
}
