import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ensureWorkspaceDefaults } from '../../src/checkins/cadences';
import { useFixture } from '../support/cascade';
import { PEOPLE } from '../support/org-fixture';

const now = { current: new Date('2026-11-30T13:00:00Z') };

const fixture = useFixture({ now, wake: true });

beforeAll(async () => {
  await ensureWorkspaceDefaults(fixture.db.db, fixture.app.teamId);
});

beforeEach(() => fixture.slack.reset());

const say = async (userId: string, text: string) => (await fixture.app.reply((await fixture.app.command(userId, text)).responseId)).text;
const orgChannel = async () =>
  (await fixture.db.db.selectFrom('digest_setting').select('channel_id').where('scope', '=', 'org').executeTakeFirst())?.channel_id ?? null;

describe('Channels that work', () => {
  test('When an admin sets a public channel for a digest, then Cascade joins it first, so that charts can be uploaded there', async () => {
    expect(await say(PEOPLE.admin.id, 'digest channel org <#CSALES|sales-leaders>')).toBe('The org digest goes to <#CSALES>.');
    expect(fixture.slack.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['CSALES']);
    expect(await orgChannel()).toBe('CSALES');
  });

  test('When the channel is private and Cascade was not invited, or archived, then the admin is told what to do and nothing is stored', async () => {
    fixture.slack.onNext('conversations.join', { error: 'channel_not_found' });
    expect(await say(PEOPLE.admin.id, 'digest channel org <#GSECRET|leaders>')).toBe(
      'Invite @Cascade to <#GSECRET> first (type `/invite @Cascade` in it), then try again.',
    );
    fixture.slack.onNext('conversations.join', { error: 'is_archived' });
    expect(await say(PEOPLE.admin.id, 'digest channel org <#COLD|old-leaders>')).toBe(
      '<#COLD> is archived: pick a channel that is in use.',
    );
    expect(await orgChannel()).toBe('CSALES');
    // A private channel Cascade is in: Slack will not "join" it, and that is fine.
    fixture.slack.onNext('conversations.join', { error: 'method_not_supported_for_channel_type' });
    expect(await say(PEOPLE.admin.id, 'digest channel org <#GINVITED|leaders>')).toBe('The org digest goes to <#GINVITED>.');
  });

  test('When someone who may not set the channel tries, then Cascade joins nothing', async () => {
    expect(await say(PEOPLE.raj.id, 'digest channel org <#CRANDOM|random>')).toBe('Only Cascade admins set the org digest.');
    expect(fixture.slack.callsTo('conversations.join')).toHaveLength(0);
  });

  test('When a team cadence gets a channel, then Cascade joins it, or says to invite it', async () => {
    fixture.slack.onNext('conversations.join', { error: 'channel_not_found' });
    expect(await say(PEOPLE.admin.id, 'cadence set president_managers_team team <#GMGRS|managers> on')).toBe(
      'Invite @Cascade to <#GMGRS> first (type `/invite @Cascade` in it), then try again.',
    );
    expect(await say(PEOPLE.admin.id, 'cadence set president_managers_team team <#CMGRS|managers> on')).toContain('Updated.');
    expect(fixture.slack.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['GMGRS', 'CMGRS']);
  });

  test('When Slack refuses to post a digest now because Cascade left the channel, then the admin is told to invite it, and can post once it is back', async () => {
    await say(PEOPLE.admin.id, 'digest channel org <#CSALES|sales-leaders>');
    fixture.slack.onNext('chat.postMessage', { error: 'not_in_channel' }, (a) => a.channel === 'CSALES');
    expect(await say(PEOPLE.admin.id, 'digest now org')).toBe(
      'Invite @Cascade to that channel first (type `/invite @Cascade` in it), then try again.',
    );
    expect(fixture.app.logs.lines.some((l) => l.msg === 'a request failed')).toBe(false);
    expect(await say(PEOPLE.admin.id, 'digest now org')).toContain('Posted the org digest for 23 Nov – 29 Nov in <#CSALES>.');
  });

  test('The manifest asks for channels:join', () => {
    const manifest = parse(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'));
    expect(manifest.oauth_config.scopes.bot).toContain('channels:join');
  });
});
