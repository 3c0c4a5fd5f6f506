import { sql, type Kysely } from 'kysely';

/**
 * Numbers from the CRM: one connection per workspace (HubSpot or Salesforce; its credentials sealed with
 * CASCADE_ENCRYPTION_KEY, or none when they come from the environment), its owners and deals as last read, and
 * the sync's place (a watermark of last-modified times, and the last deal id read inside the window being
 * read, so that a sync that stops half-way resumes there). A goal may follow a CRM measure (`source`); its
 * progress is then written by the sync (`progress.source = 'crm'`), never typed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table crm_connection (
      team_id       text primary key references workspace (team_id) on delete cascade,
      provider      text not null check (provider in ('hubspot', 'salesforce')),
      secret        text,
      base_url      text,
      currency      text,
      synced_to     timestamptz,
      window_end    timestamptz,
      window_after  text,
      full_pending  boolean not null default true,
      lease_until   timestamptz,
      synced_at     timestamptz,
      last_error    text,
      api_used      integer,
      api_limit     integer,
      created_at    timestamptz not null default now(),
      updated_at    timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table crm_owner (
      team_id   text not null references workspace (team_id) on delete cascade,
      owner_id  text not null,
      email     text,
      name      text not null default '',
      primary key (team_id, owner_id)
    )`.execute(db);
  await sql`
    create table crm_deal (
      team_id      text not null references workspace (team_id) on delete cascade,
      deal_id      text not null,
      owner_id     text,
      amount       numeric,
      currency     text,
      created_on   date not null,
      closed_on    date,
      is_closed    boolean not null default false,
      is_won       boolean not null default false,
      modified_at  timestamptz not null,
      deleted      boolean not null default false,
      seen_in      timestamptz,
      primary key (team_id, deal_id)
    )`.execute(db);
  await sql`create index crm_deal_owner on crm_deal (team_id, owner_id) where not deleted`.execute(db);
  await sql`create index crm_owner_email on crm_owner (team_id, lower(email))`.execute(db);
  await sql`alter table goal add column source text check (source in ('crm:closed_won_amount', 'crm:closed_won_count', 'crm:pipeline_created', 'crm:open_pipeline'))`.execute(db);
  await sql`alter table progress drop constraint progress_source_check`.execute(db);
  await sql`alter table progress add constraint progress_source_check check (source in ('command', 'checkin', 'import', 'crm'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from progress where source = 'crm'`.execute(db);
  await sql`alter table progress drop constraint progress_source_check`.execute(db);
  await sql`alter table progress add constraint progress_source_check check (source in ('command', 'checkin', 'import'))`.execute(db);
  await sql`alter table goal drop column source`.execute(db);
  await sql`drop table crm_deal`.execute(db);
  await sql`drop table crm_owner`.execute(db);
  await sql`drop table crm_connection`.execute(db);
}
