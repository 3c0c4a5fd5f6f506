import { sql, type Kysely } from 'kysely';

const KINDS_BEFORE = `'prompt', 'reminder', 'team_reminder', 'update', 'team_update', 'brief', 'team_post', 'share', 'digest', 'round_live', 'round_live_update', 'answer_note', 'reply', 'held_note', 'reply_update', 'pack'`;

/**
 * Installs by OAuth ("Add to Slack"): one row per install, keyed as Cascade keys a workspace's data (team_id: the
 * workspace's id, or the enterprise's for an org-wide install on Enterprise Grid). Tokens are sealed
 * (src/secrets.ts); the row goes with its workspace (purge) and at once when the app is removed. The installer's
 * first-run DM is a delivery of its own kind (`welcome`, a post).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table slack_installation (
      team_id text primary key references workspace(team_id) on delete cascade,
      enterprise_id text,
      is_enterprise_install boolean not null default false,
      app_id text,
      bot_id text,
      bot_user_id text,
      scopes text not null default '',
      bot_token text not null,
      refresh_token text,
      expires_at timestamptz,
      installer_user_id text,
      welcomed_at timestamptz,
      installed_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql.raw(`alter table delivery add constraint delivery_kind_check check (kind in (${KINDS_BEFORE}, 'welcome'))`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from delivery where kind = 'welcome'`.execute(db);
  await sql`alter table delivery drop constraint delivery_kind_check`.execute(db);
  await sql.raw(`alter table delivery add constraint delivery_kind_check check (kind in (${KINDS_BEFORE}))`).execute(db);
  await sql`drop table slack_installation`.execute(db);
}
