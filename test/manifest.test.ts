import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { COMMANDS } from '../src/slack/commands';
import { BOT_SCOPES } from '../src/slack/installations';

const root = join(__dirname, '..');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8'));
// Slack's own JSON schema for app manifests (MIT), copied with its licence into test/fixtures.
const schema = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'slack-manifest.schema.1.0.0.json'), 'utf8'));

describe('manifest.yml', () => {
  test('When it is checked against Slack’s manifest schema, then it is valid', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('When the features are read, then /cascade escapes mentions and only the scopes in use are asked for', () => {
    const command = manifest.features.slash_commands.find((c: { command: string }) => c.command === '/cascade');
    expect(command.should_escape).toBe(true);
    expect(command.usage_hint).toContain('org show');
    expect(manifest.oauth_config.scopes.bot.sort()).toEqual([
      'channels:join',
      'chat:write',
      'chat:write.public',
      'commands',
      'files:write',
      'im:write',
      'users:read',
      'users:read.email',
    ]);
    expect(manifest.settings.event_subscriptions.bot_events.sort()).toEqual([
      'app_home_opened',
      'app_uninstalled',
      'tokens_revoked',
      'user_change',
    ]);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  test('When help lists commands, then every one is a /cascade subcommand', () => {
    for (const c of COMMANDS) expect(c.usage.startsWith('/cascade ')).toBe(true);
  });
});

describe('manifest.oauth.yml', () => {
  const oauth = parse(readFileSync(join(root, 'manifest.oauth.yml'), 'utf8'));

  test('When it is checked against Slack’s manifest schema, then it is valid', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    validate(oauth);
    expect(validate.errors ?? []).toEqual([]);
  });

  test('When it is read, then it installs by OAuth: the redirect URL Bolt serves, org-wide installs, rotating tokens, no Socket Mode', () => {
    expect(oauth.oauth_config.redirect_urls).toEqual(['https://cascade.example.com/slack/oauth_redirect']);
    expect(oauth.settings.org_deploy_enabled).toBe(true);
    expect(oauth.settings.socket_mode_enabled).toBe(false);
    expect(oauth.settings.token_rotation_enabled).toBe(true);
    expect(oauth.settings.event_subscriptions.request_url).toBe('https://cascade.example.com/slack/events');
  });

  test('When its scopes are read, then they are what the installer asks for, and the same as manifest.yml’s', () => {
    expect([...oauth.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(oauth.features).toEqual(manifest.features);
    expect(oauth.settings.event_subscriptions.bot_events).toEqual(manifest.settings.event_subscriptions.bot_events);
  });
});
